"""A deadline's life as data: its states, the transitions between them, and time arithmetic.

Instants are integer epoch milliseconds: the store compares and updates them as numbers.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
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


def next_state(state: State, command: Command) -> State | None:
    """The state after `command`, or None when the command is a no-op in `state`."""
    return TRANSITIONS.get((state, command))


def sources(command: Command) -> tuple[State, ...]:
    """The states in which `command` does something (the filter a store write uses)."""
    return tuple(state for (state, cmd) in TRANSITIONS if cmd is command)


def to_ms(instant: datetime) -> int:
    """An aware datetime as integer epoch milliseconds (exact, no float rounding)."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (instant - EPOCH) // _MS


def from_ms(ms: int) -> datetime:
    """Integer epoch milliseconds as an aware UTC datetime."""
    return EPOCH + timedelta(milliseconds=ms)


def resumed_due(*, due_ms: int, suspended_ms: int, resumed_ms: int) -> int:
    """The new due instant after a suspension: the remaining time is preserved.

    A deadline suspended 3 days before it was due is due 3 days after the resume; one that was
    already overdue when suspended stays overdue by the same amount (it fires at once).
    """
    return due_ms + max(0, resumed_ms - suspended_ms)


def lateness_s(*, due_ms: int, fired_ms: int) -> float:
    """How late a firing was, in seconds (never negative)."""
    return max(0, fired_ms - due_ms) / 1000


def fired_message_id(deadline_id: str, generation: int) -> str:
    """The `timer.fired` message id: the same for every retry of one firing, so consumers dedupe.

    `generation` counts suspensions: a firing that raced a suspension and is repeated after the
    resume gets a new id (the order may act on it then).
    """
    return uuid.uuid5(_FIRED_NAMESPACE, f"{deadline_id}\x00{generation}").hex
