"""What the domain says happened, in its own types; the service layer maps them to the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from arbitration_svc.domain.case import Case
from arbitration_svc.domain.ruling import Outcome


@dataclass(frozen=True, kw_only=True)
class CaseRuled:
    """A case was decided, once and for all."""

    case_id: str
    order_id: str
    seller_id: str
    outcome: Outcome
    amount: Decimal | None
    sku: str | None
    note: str
    ruled_by: str
    ruled_at: datetime
    correlation_id: str | None


def case_ruled(case: Case) -> CaseRuled:
    """The event a ruled case announces (its ruling, who ruled, when)."""
    ruling = case.ruling
    if ruling is None or case.ruled_by is None or case.ruled_at is None:
        raise ValueError(f"case {case.id} is not ruled")
    return CaseRuled(
        case_id=case.id,
        order_id=case.order_id,
        seller_id=case.seller_id,
        outcome=ruling.outcome,
        amount=ruling.amount,
        sku=ruling.sku,
        note=ruling.note,
        ruled_by=case.ruled_by,
        ruled_at=case.ruled_at,
        correlation_id=case.correlation_id,
    )
