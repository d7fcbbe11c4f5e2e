"""The money movements a transition made, read from the order before and after it.

Each is one fact for the ledger (domain.md "Freight"): a refund to the customer (REFUND, or
AUTO_REFUND / PRE_COMPENSATION when the system made it), the return freight refunded to the
customer (FREIGHT_REFUND, by whoever bears it), and the outbound freight the seller bears
(OUTBOUND_FREIGHT, settled with the platform's logistics). A transition makes each at most once,
and a movement is only ever seen in the transition that made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from order_svc.domain.model import Cmd, Payer
from order_svc.domain.order import ServiceOrder

SYSTEM_REFUNDS = {Cmd.AUTO_REFUND: "AUTO_REFUND", Cmd.PRE_COMPENSATE: "PRE_COMPENSATION"}


@dataclass(frozen=True)
class Movement:
    kind: str
    amount_fen: int
    payer: Payer
    payee: Payer
    at: datetime
    leg: str | None = None


def _refunds(before: ServiceOrder, after: ServiceOrder, cmd: Cmd, at: datetime) -> list[Movement]:
    out = []
    if before.refund is None and after.refund is not None:
        kind = SYSTEM_REFUNDS.get(cmd, "REFUND")
        # pre-compensation is charged to the seller (domain.md "Deadlines")
        out.append(Movement(kind, after.refund.amount_fen, Payer.SELLER, Payer.CUSTOMER, at))
    if before.ruling_refund is None and after.ruling_refund is not None:
        amount = after.ruling_refund.amount_fen
        out.append(Movement("REFUND", amount, Payer.SELLER, Payer.CUSTOMER, at))
    return out


def _freight(before: ServiceOrder, after: ServiceOrder, at: datetime) -> list[Movement]:
    out = []
    f = after.freight
    if before.freight.refunded_at is None and f.refunded_at is not None and f.refunded_fen:
        payer = f.return_freight_borne_by or Payer.SELLER
        out.append(Movement("FREIGHT_REFUND", f.refunded_fen, payer, Payer.CUSTOMER, at, "RETURN"))
    outbound = 0
    if before.processing is None and after.processing is not None:
        outbound += after.processing.outbound_freight_fen or 0
    for xo in after.exchanges:
        old = before.exchange(xo.id)
        if (old is None or old.freight_fen is None) and xo.freight_fen:
            outbound += xo.freight_fen
    if outbound:
        out.append(
            Movement("OUTBOUND_FREIGHT", outbound, Payer.SELLER, Payer.PLATFORM, at, "OUTBOUND")
        )
    return out


def movements(
    before: ServiceOrder, after: ServiceOrder, cmd: Cmd, at: datetime
) -> tuple[Movement, ...]:
    """What money this transition moved, each movement once."""
    return (*_refunds(before, after, cmd, at), *_freight(before, after, at))
