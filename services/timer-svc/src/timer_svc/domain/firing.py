"""What a due deadline is and the `timer.fired` message it becomes (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import DeadlineKind, TimerFired, TimerSchedule

from timer_svc.domain.deadlines import fired_message_id, from_ms, to_ms


@dataclass(frozen=True)
class Deadline:
    """One armed deadline, as timer-svc keeps it."""

    deadline_id: str
    kind: DeadlineKind
    order_id: str
    due_ms: int
    seller_id: str | None = None
    correlation_id: str | None = None
    generation: int = 0
    data: dict[str, Any] = field(default_factory=dict)


def from_schedule(
    command: TimerSchedule, *, seller_id: str | None, correlation_id: str
) -> Deadline:
    """The deadline a `timer.schedule` command arms."""
    return Deadline(
        deadline_id=command.deadline_id,
        kind=command.kind,
        order_id=command.order_id,
        due_ms=to_ms(command.due_at),
        seller_id=seller_id,
        correlation_id=correlation_id,
        data=dict(command.data),
    )


def fired(deadline: Deadline, *, fired_ms: int) -> Envelope:
    """The `timer.fired` event of a deadline; its id is stable across retries of one firing."""
    return envelope(
        type="timer.fired",
        payload=TimerFired(
            deadline_id=deadline.deadline_id,
            kind=deadline.kind,
            order_id=deadline.order_id,
            due_at=from_ms(deadline.due_ms),
            fired_at=from_ms(fired_ms),
            data=deadline.data,
        ),
        occurred_at=from_ms(fired_ms),
        seller_id=deadline.seller_id,
        correlation_id=deadline.correlation_id,
        id=fired_message_id(deadline.deadline_id, deadline.generation),
    )
