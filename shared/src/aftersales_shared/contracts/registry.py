"""One table: each message type, its routing key, its payload, and which services consume it."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from aftersales_shared.contracts import messages as m
from aftersales_shared.contracts.envelope import Envelope, Frozen, Kind
from aftersales_shared.contracts.notices import NOTICE_ORDER_EVENTS, NoticeRequested
from aftersales_shared.contracts.orders import OrderPlaced

SERVICES = ("order-svc", "timer-svc", "sms-svc", "metrics-svc", "arbitration-svc")
NOTICES_QUEUE = "sms-svc.notices"
"""sms-svc's second queue: the messages a seller's notice comes from, consumed a batch at a time
(so a burst of notices never holds up an `sms.send` behind it)."""
QUEUES = (*SERVICES, NOTICES_QUEUE)
"""The durable queues a spec's `consumers` name: each service's own, and the one above."""

ORDER_EVENTS = (
    "applied",
    "assigned",
    "claimed",
    "audited",
    "feedback_received",
    "shipment_recorded",
    "ship_reminder_requested",
    "received",
    "return_freight_set",
    "processed",
    "reopened",
    "message_left",
    "replied",
    "resolved",
    "cancelled",
    "closed",
    "rated",
    "auto_refunded",
    "pre_compensated",
    "audit_overdue",
    "process_overdue",
    "exchange_shipped",
    "locked",
    "ruling_applied",
)


@dataclass(frozen=True)
class MessageSpec:
    type: str
    kind: Kind
    payload: builtins.type[Frozen]
    consumers: tuple[str, ...]
    version: int = 1
    broadcast: bool = False
    """Broadcast messages go to every running process; none need be listening (not mandatory)."""

    @property
    def routing_key(self) -> str:
        return f"{self.kind}.{self.type}"


def _order_consumers(name: str) -> tuple[str, ...]:
    """metrics-svc counts every order event; sms-svc derives the seller's notices from some."""
    return ("metrics-svc", NOTICES_QUEUE) if name in NOTICE_ORDER_EVENTS else ("metrics-svc",)


_SPECS: tuple[MessageSpec, ...] = (
    MessageSpec("timer.schedule", "command", m.TimerSchedule, ("timer-svc",)),
    MessageSpec("timer.cancel", "command", m.TimerCancel, ("timer-svc",)),
    MessageSpec("timer.batch", "command", m.TimerBatch, ("timer-svc",)),
    MessageSpec("timer.suspend", "command", m.TimerSuspend, ("timer-svc",)),
    MessageSpec("timer.resume", "command", m.TimerResume, ("timer-svc",)),
    MessageSpec("timer.fired", "event", m.TimerFired, ("order-svc",)),
    MessageSpec("clock.advanced", "event", m.ClockAdvanced, (), broadcast=True),
    MessageSpec("clock.sync_requested", "command", m.ClockSyncRequested, ("timer-svc",)),
    MessageSpec("sms.send", "command", m.SmsSend, ("sms-svc",)),
    MessageSpec("seller.staff_changed", "event", m.StaffChanged, ("sms-svc",)),
    MessageSpec("arbitration.requested", "event", m.ArbitrationRequested, ("arbitration-svc",)),
    MessageSpec("arbitration.ruled", "event", m.ArbitrationRuled, ("order-svc",)),
    MessageSpec("order.placed", "event", OrderPlaced, ("order-svc",)),
    *(
        MessageSpec(f"serviceorder.{name}", "event", m.ServiceOrderEvent, _order_consumers(name))
        for name in ORDER_EVENTS
    ),
    MessageSpec("notice.requested", "event", NoticeRequested, (NOTICES_QUEUE,)),
    # metrics-svc is their consumer until an operators' notification service exists: it records
    # them (an audit trail of what was announced); add a consumer here to act on them.
    MessageSpec("metrics.week_closed", "event", m.WeekClosed, ("metrics-svc",)),
    MessageSpec("metrics.seller_escalated", "event", m.SellerEscalated, ("metrics-svc",)),
)

REGISTRY: dict[str, MessageSpec] = {spec.type: spec for spec in _SPECS}


def spec_for(message_type: str) -> MessageSpec:
    """The spec of a registered type; KeyError names the unknown type."""
    try:
        return REGISTRY[message_type]
    except KeyError:
        raise KeyError(f"unregistered message type {message_type!r}") from None


def consumed_by(queue: str) -> tuple[MessageSpec, ...]:
    """The durable subscriptions of one queue (a service's own, or one of `QUEUES`)."""
    return tuple(spec for spec in _SPECS if queue in spec.consumers)


def retired_bindings(queue: str) -> tuple[str, ...]:
    """Routing keys an earlier release bound to `queue` and this one does not: unbound at declare,
    so an upgraded broker stops delivering them there too (the notice types moved from sms-svc's
    own queue to `NOTICES_QUEUE`)."""
    if queue != "sms-svc":
        return ()
    return tuple(spec.routing_key for spec in consumed_by(NOTICES_QUEUE))


def decode(message: Envelope) -> Frozen:
    """Validate an envelope's payload against its registered model."""
    return spec_for(message.type).payload.model_validate(message.payload)
