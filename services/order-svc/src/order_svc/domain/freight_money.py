"""Freight money (运费): the return freight paid back to the customer, the outbound freight borne.

The return freight the seller confirmed (待返运费) is refunded to the customer when the order is
processed, once: a reopened order processed again refunds nothing more, and the amount is final
from then on. A DIAMOND+ customer's return freight must be filled in before processing.
"""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.errors import Invalid, InvalidTransition

from order_svc.domain.model import is_diamond_plus
from order_svc.domain.order import ServiceOrder


class ReturnFreightMissing(Invalid):
    code = "return_freight_required"


def return_freight_known(order: ServiceOrder) -> bool:
    """A number for the return leg: set by the seller, or paid as the customer recorded it."""
    f = order.freight
    return f.return_freight_set or f.customer_paid_fen > 0


def require_return_freight(order: ServiceOrder) -> None:
    """422 for a DIAMOND+ customer's order whose return freight nobody filled in."""
    if is_diamond_plus(order.customer_tier) and not return_freight_known(order):
        raise ReturnFreightMissing(
            "a DIAMOND+ customer's return freight must be filled in before processing "
            "(PUT /v1/service-orders/{id}/return-freight with the amount)",
            field="return_freight",
        )


def refuse_after_refund(order: ServiceOrder) -> None:
    """The return freight is final once it has been refunded (409)."""
    if order.freight.refunded_at is not None:
        raise InvalidTransition("the return freight was refunded when the order was processed")


def refund_return_freight(order: ServiceOrder, now: datetime) -> None:
    """Refund the confirmed return freight to the customer, once, by whoever bears it."""
    f = order.freight
    if f.refunded_at is not None or not f.return_freight_fen or f.return_freight_borne_by is None:
        return
    f.refunded_fen, f.refunded_at = f.return_freight_fen, now


def freight_legs(order: ServiceOrder) -> list[dict[str, object]]:
    """Each leg for the order view: its amount, who pays it, what was refunded to the customer."""
    f = order.freight
    outbound = sum(x.freight_fen or 0 for x in order.exchanges)
    if order.processing is not None:
        outbound += order.processing.outbound_freight_fen or 0
    return [
        {
            "leg": "RETURN",
            "amount_fen": f.return_freight_fen,
            "paid_by": (f.return_freight_borne_by or f.return_leg_payer).value,
            "customer_paid_fen": f.customer_paid_fen,
            "refunded_to_customer_fen": f.refunded_fen or 0,
            "refunded_at": None if f.refunded_at is None else f.refunded_at.isoformat(),
        },
        {"leg": "OUTBOUND", "amount_fen": outbound, "paid_by": f.outbound_leg_payer.value},
    ]
