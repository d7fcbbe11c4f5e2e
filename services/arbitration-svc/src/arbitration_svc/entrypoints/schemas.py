"""The API's request and response bodies (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aftersales_shared.money import Money, show_yuan
from pydantic import BaseModel, ConfigDict, Field

from arbitration_svc.domain.case import Case, Entry, Note, Status
from arbitration_svc.domain.ruling import NOTE_MAX, SKU_MAX, Outcome


class TakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    take_over: bool = Field(
        default=False, description="Take a case another agent has in review (recorded in history)"
    )


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=NOTE_MAX)


class RulingIn(BaseModel):
    """REFUND needs `amount` (≤ the paid amount); EXCHANGE needs `sku`; every ruling a `note`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"outcome": "REFUND", "amount": "59.90", "note": "damage shown"}]
        },
    )

    outcome: Outcome
    amount: Money | None = Field(default=None, description='A decimal string in CNY, e.g. "123.45"')
    sku: str | None = Field(default=None, min_length=1, max_length=SKU_MAX)
    note: str = Field(min_length=1, max_length=NOTE_MAX)


class RulingOut(BaseModel):
    outcome: Outcome
    amount: str | None
    sku: str | None
    note: str
    ruled_by: str
    ruled_at: datetime


class CaseSummary(BaseModel):
    id: str
    order_id: str
    order_no: str | None
    seller_id: str
    status: Status
    reason: str
    requested_by: str
    opened_at: datetime
    age_seconds: int
    taken_by: str | None
    outcome: Outcome | None

    @classmethod
    def of(cls, case: Case, *, now: datetime) -> CaseSummary:
        return cls(
            **case.model_dump(
                include={
                    "id",
                    "order_id",
                    "order_no",
                    "seller_id",
                    "status",
                    "reason",
                    "requested_by",
                    "opened_at",
                    "taken_by",
                }
            ),
            age_seconds=int(case.age_seconds(now)),
            outcome=case.ruling.outcome if case.ruling else None,
        )


class CaseDetail(CaseSummary):
    """A case with its evidence (the order's snapshot at the request), notes, history and ruling."""

    evidence: dict[str, Any]
    paid_amount: str | None
    refunded_amount: str = Field(description="Refunded before the request; a REFUND adds to it")
    refundable_amount: str | None = Field(description="The most a REFUND ruling may give")
    taken_at: datetime | None
    notes: list[Note]
    history: list[Entry]
    ruling: RulingOut | None

    @classmethod
    def of(cls, case: Case, *, now: datetime) -> CaseDetail:
        paid, refundable = case.paid_amount, case.refundable_amount
        ruling = None
        if case.ruling is not None and case.ruled_by is not None and case.ruled_at is not None:
            ruling = RulingOut(
                outcome=case.ruling.outcome,
                amount=None if case.ruling.amount is None else show_yuan(case.ruling.amount),
                sku=case.ruling.sku,
                note=case.ruling.note,
                ruled_by=case.ruled_by,
                ruled_at=case.ruled_at,
            )
        return cls(
            **CaseSummary.of(case, now=now).model_dump(),
            evidence=case.evidence,
            paid_amount=None if paid is None else show_yuan(paid),
            refunded_amount=show_yuan(case.refunded_amount),
            refundable_amount=None if refundable is None else show_yuan(refundable),
            taken_at=case.taken_at,
            notes=list(case.notes),
            history=list(case.history),
            ruling=ruling,
        )


class CasePageOut(BaseModel):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: no more")
