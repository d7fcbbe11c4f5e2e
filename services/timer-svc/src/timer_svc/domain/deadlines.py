"""A deadline's life as data: what one is, its states, the transitions between them, and time
arithmetic on aware datetimes (how they are stored is the adapters' business)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from aftersales_shared.contracts.messages import DeadlineKind

_FIRED_NAMESPACE = uuid.UUID("6f1c3a52-6a0e-4f43-9d7e-3f5b2c1d9a10")


class State(StrEnum):
    PENDING = "pending"
    SUSPENDED = "suspended"
    FIRED = "fired"
    CANCELLED = "cancelled"


class Command(StrEnum):
    CANCEL = "cancel"
    SUSPEND = "suspend"
    RESUME = "resume"
    FIRE = "fire"


TRANSITIONS: dict[tuple[State, Command], State] = {
    (State.PENDING, Command.CANCEL): State.CANCELLED,
    (State.PENDING, Command.SUSPEND): State.SUSPENDED,
    (State.PENDING, Command.FIRE): State.FIRED,
    (State.SUSPENDED, Command.CANCEL): State.CANCELLED,
    (State.SUSPENDED, Command.RESUME): State.PENDING,
}
"""Every allowed move; any other (state, command) pair changes nothing (a no-op, not an error)."""

FINAL = frozenset({State.FIRED, State.CANCELLED})


@dataclass(frozen=True)
class Deadline:
    """One armed deadline, as timer-svc keeps it."""

    deadline_id: str
    kind: DeadlineKind
    """What the order does when it fires (order-svc decides; timer-svc keeps time)."""
    order_id: str
    due: datetime
    """When it fires, to the millisecond (`whole_ms`)."""
    generation: int = 0
    """Suspensions so far: a firing repeated after a resume is a new `timer.fired`."""
    data: dict[str, Any] = field(default_factory=dict)
    seller_id: str | None = None
    correlation_id: str | None = None


def next_state(state: State, command: Command) -> State | None:
    """The state after `command`, or None when the command is a no-op in `state`."""
    return TRANSITIONS.get((state, command))


def sources(command: Command) -> tuple[State, ...]:
    """The states in which `command` does something (the filter a store write uses)."""
    return tuple(state for (state, cmd) in TRANSITIONS if cmd is command)


def whole_ms(instant: datetime) -> datetime:
    """`instant` in UTC to the millisecond below: how a deadline's instants are kept."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(UTC) - timedelta(microseconds=instant.microsecond % 1000)


def resumed_due(*, due: datetime, suspended: datetime, resumed: datetime) -> datetime:
    """The new due instant after a suspension: the remaining time is preserved.

    A deadline suspended 3 days before it was due is due 3 days after the resume; one that was
    already overdue when suspended stays overdue by the same amount (it fires at once).
    """
    return due + max(timedelta(0), resumed - suspended)


def lateness_s(*, due: datetime, fired: datetime) -> float:
    """How late a firing was, in seconds (never negative)."""
    return max(timedelta(0), fired - due).total_seconds()


def fired_message_id(deadline_id: str, generation: int) -> str:
    """The `timer.fired` message id: the same for every retry of one firing, so consumers dedupe.

    `generation` counts suspensions: a firing that raced a suspension and is repeated after the
    resume gets a new id (the order may act on it then).
    """
    return uuid.uuid5(_FIRED_NAMESPACE, f"{deadline_id}\x00{generation}").hex
