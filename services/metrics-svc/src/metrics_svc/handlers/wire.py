"""The wire contracts and the domain: order events in as facts, a closed week out as messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

import structlog
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import SellerEscalated, ServiceOrderEvent, WeekClosed
from aftersales_shared.messaging import Typed

from metrics_svc.domain.facts import KINDS_WITH_FACTS, Fact, OrderEvent
from metrics_svc.domain.facts import facts_of as facts_of_event
from metrics_svc.domain.ranking import Ranked
from metrics_svc.domain.scoring import pct

log = structlog.get_logger(__name__)
ORDER_EVENTS = "serviceorder."


def to_fen(amount: str | None) -> int:
    """'199.00' → 19900; a missing or malformed amount is 0."""
    if not amount:
        return 0
    try:
        return int((Decimal(amount) * 100).to_integral_value())
    except InvalidOperation:
        return 0


def order_event(message_type: str, event: ServiceOrderEvent, occurred_at: datetime) -> OrderEvent:
    """The domain's view of a `serviceorder.<kind>` event."""
    return OrderEvent(
        kind=message_type.removeprefix(ORDER_EVENTS),
        seller_id=event.seller_id,
        order_id=event.order_id,
        occurred_at=occurred_at,
        applied_at=event.applied_at,
        status_from=event.status_from,
        audited_at=event.audited_at,
        received_at=event.received_at,
        processed_at=event.processed_at,
        locked=event.locked,
        rating=event.rating,
        exchange_order_id=event.exchange_order_id,
        exchange_decided_at=event.exchange_decided_at,
        exchange_shipped_at=event.exchange_shipped_at,
        charged_to_seller_fen=to_fen(event.charged_to_seller),
    )


def facts_of(message_type: str, event: ServiceOrderEvent, occurred_at: datetime) -> list[Fact]:
    """The facts a `serviceorder.<kind>` event carries (`domain.facts.facts_of`)."""
    if message_type.removeprefix(ORDER_EVENTS) not in KINDS_WITH_FACTS:
        return []  # 40 % of the events: not mapped at all
    return facts_of_event(order_event(message_type, event, occurred_at))


def facts_of_batch(messages: Iterable[Typed]) -> list[Fact]:
    """The facts of a batch of validated messages; metrics' own announcements are only logged."""
    facts: list[Fact] = []
    for message in messages:
        payload, meta = message.payload, message.meta
        if isinstance(payload, ServiceOrderEvent):
            facts += facts_of(meta.type, payload, meta.occurred_at)
        else:
            log.info("announced", type=meta.type, payload=payload.model_dump(mode="json"))
    return facts


def week_closed_messages(week: str, ranking: list[Ranked], *, now: datetime) -> list[Envelope]:
    """`metrics.week_closed`, and one `metrics.seller_escalated` per escalated seller."""
    bottom = [r for r in ranking if r.bottom10]
    escalated = [r for r in bottom if r.escalated]
    closed = envelope(
        type="metrics.week_closed",
        payload=WeekClosed(
            week=week,
            closed_at=now,
            sellers_ranked=len(ranking),
            bottom10=[r.card.seller_id for r in bottom],
            escalated=[r.card.seller_id for r in escalated],
        ),
        occurred_at=now,
        seller_id=None,
        id=f"metrics.week_closed:{week}",
    )
    return [closed, *(_escalated(week, r, now=now) for r in escalated)]


def _escalated(week: str, r: Ranked, *, now: datetime) -> Envelope:
    return envelope(
        type="metrics.seller_escalated",
        payload=SellerEscalated(
            seller_id=r.card.seller_id, week=week, streak=r.streak, score=pct(r.card.score)
        ),
        occurred_at=now,
        seller_id=r.card.seller_id,
        id=f"metrics.seller_escalated:{week}:{r.card.seller_id}",
    )
