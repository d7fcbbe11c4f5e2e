"""What a consumer takes off a queue, what a handler receives, and how a delivery is settled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from aftersales_shared.contracts import Envelope, Frozen, spec_for

Action = Literal["ack", "retry", "dead_letter"]


@dataclass(frozen=True)
class Delivery:
    """A message as any transport delivers it: bytes and the properties the bus sets."""

    body: bytes
    message_id: str
    type: str
    correlation_id: str | None
    headers: Mapping[str, Any] = field(default_factory=dict)

    @property
    def attempts(self) -> int:
        """Retries this message has had so far (the retry queue's `x-attempts` header)."""
        value = self.headers.get("x-attempts", 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class MessageMeta:
    """Everything about a message but its payload, for a typed handler."""

    id: str
    type: str
    version: int
    occurred_at: datetime
    seller_id: str | None
    correlation_id: str
    attempts: int


@dataclass(frozen=True)
class Received:
    """A delivery whose envelope validated, of a registered type (its payload not yet checked)."""

    envelope: Envelope
    attempts: int

    def payload(self) -> Frozen:
        """The payload validated with the registry's model; ValidationError when it is not one."""
        return spec_for(self.envelope.type).payload.model_validate(self.envelope.payload)

    @property
    def meta(self) -> MessageMeta:
        """The envelope's fields without the payload."""
        e = self.envelope
        return MessageMeta(
            id=e.id,
            type=e.type,
            version=e.version,
            occurred_at=e.occurred_at,
            seller_id=e.seller_id,
            correlation_id=e.correlation_id,
            attempts=self.attempts,
        )


@dataclass(frozen=True)
class Typed:
    """A validated payload and its meta: what a batch handler receives for each message."""

    payload: Frozen
    meta: MessageMeta


@dataclass(frozen=True)
class Outcome:
    """How to settle a delivery: ack it, or move it (with headers) to the retry queue or DLQ."""

    action: Action
    result: str
    """The `result` label of `bus_messages_handled_total`."""
    headers: Mapping[str, Any] = field(default_factory=dict)


def acked(result: str = "ok") -> Outcome:
    """Done with (handled, or a duplicate)."""
    return Outcome("ack", result)


def retry_later(*, attempts: int, reason: str) -> Outcome:
    """Through the retry queue, back to this service's queue after the retry delay."""
    return Outcome("retry", "retried", {"x-attempts": attempts, "x-last-error": reason[:1000]})


def dead_lettered(reason: str, *, result: str = "dead_lettered") -> Outcome:
    """To this service's dead-letter queue, with the reason in `x-failure-reason`."""
    return Outcome("dead_letter", result, {"x-failure-reason": reason[:2000]})
