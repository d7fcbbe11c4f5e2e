"""The case's life: OPEN → IN_REVIEW → RULED, as a transition table (data), and its refusals."""

from __future__ import annotations

from enum import StrEnum

from aftersales_shared.errors import InvalidTransition


class Status(StrEnum):
    OPEN = "OPEN"
    IN_REVIEW = "IN_REVIEW"
    RULED = "RULED"


class Command(StrEnum):
    TAKE = "TAKE"
    NOTE = "NOTE"
    RULE = "RULE"


TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (Status.OPEN, Command.TAKE): Status.IN_REVIEW,
    (Status.OPEN, Command.NOTE): Status.OPEN,
    (Status.IN_REVIEW, Command.TAKE): Status.IN_REVIEW,
    (Status.IN_REVIEW, Command.NOTE): Status.IN_REVIEW,
    (Status.IN_REVIEW, Command.RULE): Status.RULED,
}
"""Everything not listed is refused with 409; RULED has no way out: a ruling is final."""

OPEN_STATUSES = frozenset({Status.OPEN, Status.IN_REVIEW})

_REFUSALS = {
    Status.RULED: "the case is ruled already; a ruling is final",
    Status.OPEN: "take the case before ruling on it",
}


def transition(status: Status, command: Command) -> Status:
    """The next status, or InvalidTransition (409) when the table has no such move."""
    try:
        return TRANSITIONS[(status, command)]
    except KeyError:
        reason = _REFUSALS.get(status, f"{command} is not allowed in {status}")
        raise InvalidTransition(reason, status=str(status), command=str(command)) from None
