"""The messages an accepted command records: one ServiceOrderEvent per transition, plus commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftersales_shared.contracts import Frozen
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.money import show_fen

from order_svc.domain.actors import Actor
from order_svc.domain.order import ServiceOrder


@dataclass(frozen=True)
class Outgoing:
    """A message to publish with the write that produced it; `key` makes its id deterministic."""

    type: str
    payload: Frozen
    key: str


def order_event(
    order: ServiceOrder,
    *,
    name: str,
    command: str,
    status_from: str | None,
    actor: Actor,
    audit_result: str | None = None,
    charged_to_seller_fen: int | None = None,
    exchange_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> Outgoing:
    """The `serviceorder.<name>` event of one transition, with the order's facts after it."""
    exchange = order.exchange(exchange_id) if exchange_id else None
    if exchange is None and order.exchanges:
        exchange = order.exchanges[-1]
    payload = ServiceOrderEvent(
        order_id=order.id,
        order_no=order.order_no,
        seller_id=order.seller_id,
        category=order.category,
        customer_tier=order.customer_tier.value,
        status_from=status_from,
        status_to=order.status.value,
        command=command,
        actor_id=actor.id,
        actor_role=actor.role,
        outcome=order.outcome.value if order.outcome else None,
        paid_amount=show_fen(order.paid_fen),
        refund_amount=show_fen(order.refunded_fen) if order.refund else None,
        applied_at=order.applied_at,
        claimed_at=order.claimed_at,
        audited_at=order.audited_at,
        received_at=order.received_at,
        processed_at=order.processed_at,
        order_version=order.version,
        audit_result=audit_result,
        rating=order.rating.value if order.rating else None,
        exchange_order_id=exchange.id if exchange else None,
        exchange_decided_at=exchange.decided_at if exchange else None,
        exchange_shipped_at=exchange.shipped_at if exchange else None,
        charged_to_seller=None
        if charged_to_seller_fen is None
        else show_fen(charged_to_seller_fen),
        locked=order.locked,
        data=data or {},
    )
    return Outgoing(type=f"serviceorder.{name}", payload=payload, key=name)
