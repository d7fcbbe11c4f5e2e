"""The wire contracts of a deadline: the `timer.schedule` that arms one, the `timer.fired` it
becomes when due (the service layer's mapping; the domain knows no envelopes)."""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerFired, TimerSchedule

from timer_svc.domain.deadlines import Deadline, fired_message_id, whole_ms


def from_schedule(
    command: TimerSchedule, *, seller_id: str | None, correlation_id: str
) -> Deadline:
    """The deadline a `timer.schedule` command arms."""
    return Deadline(
        deadline_id=command.deadline_id,
        kind=command.kind,
        order_id=command.order_id,
        due=whole_ms(command.due_at),
        seller_id=seller_id,
        correlation_id=correlation_id,
        data=dict(command.data),
    )


def fired(deadline: Deadline, *, fired_at: datetime) -> Envelope:
    """The `timer.fired` event of a deadline; its id is stable across retries of one firing."""
    at = whole_ms(fired_at)
    return envelope(
        type="timer.fired",
        payload=TimerFired(
            deadline_id=deadline.deadline_id,
            kind=deadline.kind,
            order_id=deadline.order_id,
            due_at=deadline.due,
            fired_at=at,
            data=deadline.data,
        ),
        occurred_at=at,
        seller_id=deadline.seller_id,
        correlation_id=deadline.correlation_id,
        id=fired_message_id(deadline.deadline_id, deadline.generation),
    )
