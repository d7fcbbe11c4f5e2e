"""Enum fields that take only some members, validated and described in OpenAPI alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, WithJsonSchema

from order_svc.domain.batches import BATCH_AUDIT_RESULTS
from order_svc.domain.model import PROCESS_COMMANDS, AuditResult, Outcome

E = TypeVar("E", bound=StrEnum)


def member_of(members: Iterable[E]) -> Callable[[E], E]:
    """The validator refusing any other member, with the allowed ones in its message."""
    allowed = frozenset(members)
    names = ", ".join(sorted(m.value for m in allowed))

    def check(value: E) -> E:
        if value not in allowed:
            raise ValueError(f"must be one of {names}, not {value.value}")
        return value

    return check


def choice_schema(members: Iterable[StrEnum]) -> dict[str, Any]:
    """The JSON schema of a string that is one of `members`."""
    return {"type": "string", "enum": sorted(m.value for m in members)}


ProcessOutcome = Annotated[
    Outcome,
    AfterValidator(member_of(PROCESS_COMMANDS)),
    WithJsonSchema(choice_schema(PROCESS_COMMANDS)),
]
"""What processing may settle on: REFUND, EXCHANGE, RETURN_ORIGINAL, OFFLINE_EXCHANGE."""
BatchAuditResult = Annotated[
    AuditResult,
    AfterValidator(member_of(BATCH_AUDIT_RESULTS)),
    WithJsonSchema(choice_schema(BATCH_AUDIT_RESULTS)),
]
"""What a batch audit may decide: REJECT or CUSTOMER_ABANDON (the rule: `domain/batches.py`)."""
