"""The evidence sent with `arbitration.requested`: a JSON-ready snapshot of the order."""

from __future__ import annotations

from typing import Any

from aftersales_shared.money import show_fen

from order_svc.domain.money import shown
from order_svc.domain.order import ServiceOrder


def snapshot(o: ServiceOrder) -> dict[str, Any]:
    """The order as it stands before the lock (amounts "199.00", instants ISO strings)."""
    data: dict[str, Any] = shown(o.model_dump(mode="json", exclude={"deadlines", "locked"}))
    data["order_id"] = data.pop("id")
    data["paid_amount"] = show_fen(o.paid_fen)
    data["refunded_amount"] = show_fen(o.refunded_fen)
    data["refund_amount"] = show_fen(o.refunded_fen)
    data["return_freight"] = (
        None if o.freight.return_freight_fen is None else show_fen(o.freight.return_freight_fen)
    )
    data["audit_opinion"] = o.audit.opinion if o.audit else None
    return data
