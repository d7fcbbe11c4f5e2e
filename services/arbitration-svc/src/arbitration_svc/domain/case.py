"""An arbitration case (京东介入): its evidence, notes, history and ruling; commands with guards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from aftersales_shared.errors import Conflict, Invalid, NotPermitted
from aftersales_shared.money import show_yuan
from pydantic import AwareDatetime, field_serializer

from arbitration_svc.domain.ruling import (
    NOTE_MAX,
    Outcome,
    Ruling,
    Value,
    decide,
    parse_money,
)
from arbitration_svc.domain.states import OPEN_STATUSES, TRANSITIONS, Command, Status, transition

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Case",
    "CaseRequest",
    "Command",
    "Entry",
    "Note",
    "Status",
    "add_note",
    "open_case",
    "rule",
    "take",
    "transition",
]


@dataclass(frozen=True, kw_only=True)
class CaseRequest:
    """What a request for arbitration brings: the order, who asks and why, its snapshot."""

    order_id: str
    seller_id: str
    reason: str
    requested_by: str
    snapshot: Mapping[str, Any]


class Note(Value):
    id: str
    author: str
    text: str
    at: AwareDatetime


class Entry(Value):
    """One line of the case's history."""

    at: AwareDatetime
    actor: str
    action: str
    detail: str | None = None


class Case(Value):
    id: str
    order_id: str
    seller_id: str
    order_no: str | None = None
    reason: str
    requested_by: str
    evidence: dict[str, Any]
    paid_amount: Decimal | None = None
    refunded_amount: Decimal = Decimal(0)
    """Refunded before the request (from the snapshot); a REFUND ruling adds to it."""
    status: Status = Status.OPEN
    opened_at: AwareDatetime
    taken_by: str | None = None
    taken_at: AwareDatetime | None = None
    notes: tuple[Note, ...] = ()
    ruling: Ruling | None = None
    ruled_by: str | None = None
    ruled_at: AwareDatetime | None = None
    history: tuple[Entry, ...] = ()
    correlation_id: str | None = None
    requests: tuple[str, ...] = ()
    """The Idempotency-Key slots of the HTTP requests that changed the case (a retry finds it)."""

    @field_serializer("paid_amount", "refunded_amount", when_used="always")
    def _money(self, amount: Decimal | None) -> str | None:
        return None if amount is None else show_yuan(amount)

    @property
    def refundable_amount(self) -> Decimal | None:
        """The most a REFUND ruling may give; None when the evidence holds no paid amount."""
        if self.paid_amount is None:
            return None
        return max(self.paid_amount - self.refunded_amount, Decimal(0))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def age_seconds(self, now: datetime) -> float:
        """How long the case has waited (never negative)."""
        return max(0.0, (now - self.opened_at).total_seconds())


def open_case(
    *, case_id: str, request: CaseRequest, at: datetime, correlation_id: str | None
) -> Case:
    """A new OPEN case holding the order's snapshot as evidence."""
    snapshot = dict(request.snapshot)
    order_no = lookup(snapshot, "order_no")
    return Case(
        id=case_id,
        order_id=request.order_id,
        seller_id=request.seller_id,
        order_no=order_no if isinstance(order_no, str) else None,
        reason=request.reason,
        requested_by=request.requested_by,
        evidence=snapshot,
        paid_amount=parse_money(lookup(snapshot, "paid_amount")),
        refunded_amount=_refunded(snapshot),
        opened_at=at,
        history=(Entry(at=at, actor=request.requested_by, action="OPENED", detail=request.reason),),
        correlation_id=correlation_id,
    )


def lookup(snapshot: dict[str, Any], key: str) -> Any:
    """A field of the evidence: at the top, else in a sub-document one level down (`money`)."""
    if key in snapshot:
        return snapshot[key]
    for value in snapshot.values():
        if isinstance(value, dict) and key in value:
            return value[key]
    return None


def _refunded(snapshot: dict[str, Any]) -> Decimal:
    """What the order refunded before the request (`refunded_amount`, else `refund_amount`)."""
    for key in ("refunded_amount", "refund_amount"):
        amount = parse_money(lookup(snapshot, key))
        if amount is not None:
            return amount
    return Decimal(0)


def take(case: Case, *, agent: str, at: datetime, take_over: bool = False) -> Case:
    """The agent takes the case into review; a colleague's case only when `take_over` says so."""
    status = transition(case.status, Command.TAKE)
    if case.taken_by == agent:
        return case
    if case.taken_by is not None and not take_over:
        raise Conflict(
            f"the case is in review by {case.taken_by}; take it over explicitly (take_over)",
            taken_by=case.taken_by,
        )
    previous = f"from {case.taken_by}" if case.taken_by else None
    entry = Entry(at=at, actor=agent, action="TAKEN", detail=previous)
    return case.model_copy(
        update={
            "status": status,
            "taken_by": agent,
            "taken_at": at,
            "history": (*case.history, entry),
        }
    )


def add_note(case: Case, *, author: str, text: str, at: datetime, note_id: str) -> Case:
    """Append an agent's note; the status does not change."""
    status = transition(case.status, Command.NOTE)
    body = text.strip()
    if not body or len(body) > NOTE_MAX:
        raise Invalid(f"a note has 1 to {NOTE_MAX} characters", field="text")
    note = Note(id=note_id, author=author, text=body, at=at)
    entry = Entry(at=at, actor=author, action="NOTE_ADDED", detail=note_id)
    return case.model_copy(
        update={"status": status, "notes": (*case.notes, note), "history": (*case.history, entry)}
    )


def rule(
    case: Case,
    *,
    agent: str,
    at: datetime,
    outcome: Outcome,
    note: str,
    amount: Decimal | None = None,
    sku: str | None = None,
) -> Case:
    """Decide the case, once and for all; only the agent reviewing it may rule."""
    status = transition(case.status, Command.RULE)
    if case.taken_by != agent:
        raise NotPermitted(
            f"the case is in review by {case.taken_by}; take it over before ruling",
            taken_by=case.taken_by,
        )
    ruling: Ruling = decide(
        outcome=outcome,
        note=note,
        paid_amount=case.paid_amount,
        refunded_amount=case.refunded_amount,
        amount=amount,
        sku=sku,
    )
    entry = Entry(at=at, actor=agent, action="RULED", detail=str(outcome))
    return case.model_copy(
        update={
            "status": status,
            "ruling": ruling,
            "ruled_by": agent,
            "ruled_at": at,
            "history": (*case.history, entry),
        }
    )
