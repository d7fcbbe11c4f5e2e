"""What sms-svc needs from the outside: an SMS provider (adapters: `http`, `log`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sms_svc.domain.ratelimit import Admission


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


class MessageStore(Protocol):
    """The delivery log (adapter: `adapters.mongo.MessageLog`)."""

    async def insert(self, doc: dict[str, Any]) -> bool:
        """Record a new message; False if its id exists already."""
        ...

    async def get(self, message_id: str) -> dict[str, Any] | None: ...

    async def claim(self, message_id: str, *, now_ms: int, lease_ms: int) -> dict[str, Any] | None:
        """Take a QUEUED message whose lease ran out, for `lease_ms`; None if not there to take."""
        ...

    async def finish(self, message_id: str, *, changes: dict[str, Any]) -> None:
        """Apply the delivery's outcome to a message still QUEUED."""
        ...

    async def requeue(self, message_id: str, *, now_ms: int) -> bool:
        """FAILED → QUEUED; False if it was not FAILED."""
        ...

    async def stale(self, *, now_ms: int, limit: int) -> list[str]:
        """QUEUED messages nobody holds."""
        ...

    async def held(self, *, limit: int) -> list[dict[str, Any]]:
        """HELD messages, oldest first."""
        ...

    async def mark_digested(self, ids: list[str], *, digest_id: str, now_ms: int) -> None:
        """HELD → DIGESTED (with `digest_id`) for those of `ids` still HELD."""
        ...

    async def search(
        self,
        *,
        filters: dict[str, Any],
        after: tuple[int, str] | None,
        limit: int,
        categories: frozenset[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first, fields equal to `filters`, the category among `categories` if given."""
        ...


class RateWindowStore(Protocol):
    """Per-phone admissions (adapter: `adapters.mongo.RateWindows`)."""

    async def admit(self, phone: str, *, key: str, now_ms: int) -> Admission: ...
