"""Domain events to wire contracts: each event as its `aftersales_shared.contracts` message, and
the envelopes stored with the write that made them, with ids a retry of that write reproduces."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales_shared.contracts import Envelope, Frozen, envelope
from aftersales_shared.contracts.messages import (
    ArbitrationRequested,
    MoneyMovement,
    ServiceOrderEvent,
    SmsSend,
    StaffChanged,
    TimerBatch,
    TimerCancel,
    TimerResume,
    TimerSchedule,
    TimerSuspend,
)
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.money import show_fen

from order_svc.domain.decide import Decision
from order_svc.domain.events import (
    ArbitrationOpened,
    DeadlineArmed,
    DeadlineCancelled,
    DeadlinesResumed,
    DeadlinesSuspended,
    OrderChanged,
    OrderEvent,
    SmsRequested,
    WarningDue,
)
from order_svc.domain.movements import Movement
from order_svc.domain.seller import Seller
from order_svc.domain.staff_events import staff_changes


@dataclass(frozen=True)
class Outgoing:
    """A message to publish with the write that produced it; `key` makes its id deterministic."""

    type: str
    payload: Frozen
    key: str


SAME_FIELDS: dict[type[Any], tuple[str, type[Frozen], Callable[[Any], str]]] = {
    DeadlineArmed: ("timer.schedule", TimerSchedule, lambda e: f"schedule.{e.deadline_id}"),
    DeadlineCancelled: ("timer.cancel", TimerCancel, lambda e: f"cancel.{e.deadline_id}"),
    DeadlinesSuspended: ("timer.suspend", TimerSuspend, lambda _: "timer.suspend"),
    DeadlinesResumed: ("timer.resume", TimerResume, lambda _: "timer.resume"),
    ArbitrationOpened: ("arbitration.requested", ArbitrationRequested, lambda _: "arbitration"),
}
"""Events whose contract has the same fields: (message type, contract, key of the message id)."""


def outgoing(event: OrderEvent) -> Outgoing:
    """The wire message of one domain event."""
    if isinstance(event, OrderChanged):
        return Outgoing(f"serviceorder.{event.name}", order_event(event), event.name)
    if isinstance(event, SmsRequested):
        return Outgoing("sms.send", sms_send(event), f"sms.{event.key}")
    if isinstance(event, WarningDue):  # a subset of the contract's fields (no fine, no streak)
        return Outgoing(
            "notice.requested", NoticeRequested.model_validate(_fields(event)), "notice"
        )
    message_type, contract, key = SAME_FIELDS[type(event)]
    return Outgoing(message_type, contract.model_validate(_fields(event)), key(event))


def _fields(event: Any) -> dict[str, Any]:
    # the instance's own dict (a dataclass without slots holds exactly its fields there)
    fields_: dict[str, Any] = event.__dict__
    return fields_


def messages(decision: Decision) -> list[Outgoing]:
    """The wire messages of a decision, in the order the domain recorded them; the deadlines it
    arms and cancels go as one `timer.batch` (in their order), where the first of them was."""
    out: list[Outgoing] = []
    steps: list[TimerSchedule | TimerCancel] = []
    batch_at = 0
    for event in decision.events:
        if isinstance(event, DeadlineArmed | DeadlineCancelled):
            batch_at = batch_at if steps else len(out)
            steps.append(timer_step(event))
        else:
            out.append(outgoing(event))
    if steps:
        batch = TimerBatch(order_id=decision.order.id, steps=tuple(steps))
        out.insert(batch_at, Outgoing("timer.batch", batch, "timers"))
    return out


def timer_step(event: DeadlineArmed | DeadlineCancelled) -> TimerSchedule | TimerCancel:
    """A step of a `timer.batch`: the `timer.schedule` or `timer.cancel` of the event."""
    if isinstance(event, DeadlineArmed):
        return TimerSchedule.model_validate(_fields(event))
    return TimerCancel.model_validate(_fields(event))


def order_event(event: OrderChanged) -> ServiceOrderEvent:
    """`serviceorder.<name>`: one transition, with the order's facts after it."""
    order = event.order
    exchange = order.exchange(event.exchange_id) if event.exchange_id else None
    if exchange is None and order.exchanges:
        exchange = order.exchanges[-1]
    charged = event.charged_to_seller_fen
    return ServiceOrderEvent(
        order_id=order.id,
        order_no=order.order_no,
        seller_id=order.seller_id,
        category=order.category,
        customer_tier=order.customer_tier.value,
        status_from=event.status_from,
        status_to=order.status.value,
        command=event.command,
        actor_id=event.actor.id,
        actor_role=event.actor.role,
        outcome=order.outcome.value if order.outcome else None,
        paid_amount=show_fen(order.paid_fen),
        refund_amount=show_fen(order.refunded_fen) if order.refund else None,
        applied_at=order.applied_at,
        claimed_at=order.claimed_at,
        audited_at=order.audited_at,
        received_at=order.received_at,
        processed_at=order.processed_at,
        order_version=order.version,
        audit_result=event.audit_result,
        rating=order.rating.value if order.rating else None,
        exchange_order_id=exchange.id if exchange else None,
        exchange_decided_at=exchange.decided_at if exchange else None,
        exchange_shipped_at=exchange.shipped_at if exchange else None,
        charged_to_seller=None if charged is None else show_fen(charged),
        locked=order.locked,
        movements=money_movements(order.id, order.version, event.movements),
        data=event.data,
    )


def money_movements(
    order_id: str, version: int, moved: Sequence[Movement]
) -> tuple[MoneyMovement, ...]:
    """A transition's movements on the wire, each with its own id: `{order}:{kind}@v{version}`,
    and for the second and later of a kind in one transition `:{leg}` or, without a leg of its
    own, `:{n}` (its place among them, from 2). The same however often the event is built."""
    out: list[MoneyMovement] = []
    seen: dict[str, set[str]] = {}
    for m in moved:
        base = f"{order_id}:{m.kind}@v{version}"
        ids = seen.setdefault(m.kind, set())
        mid = base
        if ids:
            by_leg = f"{base}:{m.leg}"
            mid = by_leg if m.leg and by_leg not in ids else f"{base}:{len(ids) + 1}"
        ids.add(mid)
        out.append(money_movement(mid, m))
    return tuple(out)


def money_movement(movement_id: str, m: Movement) -> MoneyMovement:
    """A movement on the wire, with the id `money_movements` gave it."""
    return MoneyMovement(
        id=movement_id,
        kind=m.kind,
        amount=show_fen(m.amount_fen),
        payer=m.payer.value,
        payee=m.payee.value,
        at=m.at,
        leg=m.leg,
    )


def sms_send(event: SmsRequested) -> SmsSend:
    """`sms.send`; its idempotency key is stable for this order version and template."""
    return SmsSend(
        recipient=event.recipient,
        template=event.template,
        params=event.params,
        order_id=event.order_id,
        category=event.category,
        idempotency_key=f"{event.order_id}:{event.key}",
    )


def envelopes(decision: Decision, *, correlation_id: str | None) -> list[Envelope]:
    """The decision's messages, with ids that a retry of the same write would reproduce."""
    o = decision.order
    at = o.history[-1].at
    return [
        envelope(
            type=m.type,
            payload=m.payload,
            occurred_at=at,
            seller_id=o.seller_id,
            correlation_id=correlation_id,
            id=f"{o.id}.v{o.version}.{m.key}",
        )
        for m in messages(decision)
    ]


def staff_envelopes(before: Seller, after: Seller, *, version: int, at: datetime) -> list[Envelope]:
    """`seller.staff_changed` for each changed sub-account; ids a retry of the write reproduces."""
    return [
        envelope(
            type="seller.staff_changed",
            payload=StaffChanged.model_validate(_fields(change)),
            occurred_at=at,
            seller_id=after.seller_id,
            id=f"staff.{_member_key(after.seller_id, change.staff_id)}.v{version}",
        )
        for change in staff_changes(before, after, version=version)
    ]


def _member_key(seller_id: str, staff_id: str) -> str:
    # two ids of up to 100 characters each would not fit an envelope id (200) side by side
    return hashlib.sha256(f"{seller_id}/{staff_id}".encode()).hexdigest()[:32]
