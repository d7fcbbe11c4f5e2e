"""Freight (运费): who pays each leg, and what goes back to the customer for the return leg."""

from __future__ import annotations

from order_svc.domain.model import Payer, Tier, is_diamond_plus
from order_svc.domain.order import Freight


def return_leg_payer(*, quality_issue: bool, tier: Tier) -> Payer:
    """Customer → seller: the seller on a quality issue; else platform (DIAMOND+) or customer."""
    if quality_issue:
        return Payer.SELLER
    return Payer.PLATFORM if is_diamond_plus(tier) else Payer.CUSTOMER


def initial_freight(*, quality_issue: bool, tier: Tier) -> Freight:
    """The freight record of a new order; seller → customer is always the seller's."""
    return Freight(
        return_leg_payer=return_leg_payer(quality_issue=quality_issue, tier=tier),
        outbound_leg_payer=Payer.SELLER,
    )


def settle_return_freight(freight: Freight) -> Freight:
    """Default the return freight owed back to the customer from what they paid for the return.

    What the customer must bear themselves is not paid back; DIAMOND+ customers always get it back
    (the platform bears it unless it is a quality issue, then the seller).
    """
    if freight.return_leg_payer is Payer.CUSTOMER:
        return freight.model_copy(update={"return_freight_fen": 0, "return_freight_borne_by": None})
    return freight.model_copy(
        update={
            "return_freight_fen": freight.customer_paid_fen,
            "return_freight_borne_by": freight.return_leg_payer,
        }
    )


def set_return_freight(freight: Freight, amount_fen: int) -> Freight:
    """The seller fixes what is paid back; what the customer owed is then the seller's."""
    borne_by = (
        Payer.SELLER if freight.return_leg_payer is Payer.CUSTOMER else freight.return_leg_payer
    )
    return freight.model_copy(
        update={
            "return_freight_fen": amount_fen,
            "return_freight_borne_by": borne_by if amount_fen else None,
        }
    )
