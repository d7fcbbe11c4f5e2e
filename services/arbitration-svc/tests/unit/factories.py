"""Small builders for the domain tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aftersales_shared.contracts.messages import ArbitrationRequested
from arbitration_svc.domain.case import Case, open_case
from arbitration_svc.handlers import case_request

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def request(
    *, paid: Any = "199.00", order_id: str = "so-1", **snapshot: Any
) -> ArbitrationRequested:
    """An arbitration request as order-svc publishes it."""
    evidence: dict[str, Any] = {"status": "PENDING_PROCESS", "order_no": "NO-1", **snapshot}
    if paid is not None:
        evidence["paid_amount"] = paid
    return ArbitrationRequested(
        order_id=order_id,
        seller_id="seller-1",
        reason="the customer insists the item was broken",
        requested_by="staff-1",
        snapshot=evidence,
    )


def new_case(**kwargs: Any) -> Case:
    """An OPEN case opened at T0."""
    return open_case(
        case_id="case-1", request=case_request(request(**kwargs)), at=T0, correlation_id="corr-1"
    )
