"""What sms-svc's service layer needs from the outside, as protocols (instants as datetimes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sms_svc.domain.message import Attempt, Delivery, SmsMessage
from sms_svc.domain.ratelimit import Admission
from sms_svc.domain.scope import StaffScope

__all__ = [
    "Attempt",
    "Delivery",
    "MessageQuery",
    "MessageStore",
    "OutgoingSms",
    "RateWindowStore",
    "SmsProvider",
    "StaffScopeStore",
]


@dataclass(frozen=True)
class OutgoingSms:
    message_id: str
    phone: str
    text: str
    idempotency_key: str


@dataclass(frozen=True)
class MessageQuery:
    """A page of the log: newest first, fields equal to `filters`, the category among
    `categories` if given, after the (created_at, id) of the previous page's last message."""

    filters: dict[str, str] = field(default_factory=dict)
    after: tuple[datetime, str] | None = None
    limit: int = 50
    categories: frozenset[str] | None = None


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

    async def insert(self, message: SmsMessage) -> bool:
        """Record a new message; False if its id exists already."""
        ...

    async def get(self, message_id: str) -> SmsMessage | None: ...

    async def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> SmsMessage | None:
        """Take a QUEUED message whose lease ran out, for `lease`; None if not there to take."""
        ...

    async def finish(self, message: SmsMessage) -> None:
        """Save a delivery's outcome (`SmsMessage.delivered`) if the message is still QUEUED."""
        ...

    async def requeue(self, message: SmsMessage) -> bool:
        """Save an operator's retry (`SmsMessage.requeue`); False if it was no longer FAILED."""
        ...

    async def stale(self, *, now: datetime, limit: int) -> list[str]:
        """QUEUED messages nobody holds."""
        ...

    async def held(self, *, limit: int) -> list[SmsMessage]:
        """HELD messages, oldest first."""
        ...

    async def mark_digested(self, ids: list[str], *, digest_id: str, now: datetime) -> None:
        """HELD → DIGESTED (with `digest_id`) for those of `ids` still HELD."""
        ...

    async def search(self, query: MessageQuery) -> list[SmsMessage]: ...


class RateWindowStore(Protocol):
    """Per-phone admissions (adapter: `adapters.mongo.RateWindows`)."""

    async def admit(self, phone: str, *, key: str, now: datetime) -> Admission: ...


class StaffScopeStore(Protocol):
    """The kept scopes (adapter: `adapters.staff_scopes.StaffScopes`)."""

    async def get(self, seller_id: str, staff_id: str) -> StaffScope | None: ...

    async def keep(self, scope: StaffScope) -> bool:
        """Store unless the same or a newer version is stored; whether it was stored."""
        ...
