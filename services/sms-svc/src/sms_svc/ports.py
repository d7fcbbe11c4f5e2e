"""What sms-svc needs from the outside: an SMS provider (adapters: `http`, `log`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    message_id: str
    phone: str
    text: str
    idempotency_key: str


@dataclass(frozen=True)
class Attempt:
    """One try at the provider: when, how long, and what it answered."""

    at_ms: int
    duration_ms: int
    outcome: str
    """`ok`, `http_<status>`, `timeout` or `error`."""
    answer: str

    def as_doc(self) -> dict[str, object]:
        return {
            "at_ms": self.at_ms,
            "duration_ms": self.duration_ms,
            "outcome": self.outcome,
            "answer": self.answer,
        }


@dataclass(frozen=True)
class Delivery:
    """The provider's verdict after its retries."""

    ok: bool
    attempts: tuple[Attempt, ...]
    provider_ref: str | None = None


class SmsProvider(Protocol):
    name: str

    async def send(self, sms: OutgoingSms) -> Delivery:
        """Deliver one SMS, retrying transient failures within the provider's bound."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
