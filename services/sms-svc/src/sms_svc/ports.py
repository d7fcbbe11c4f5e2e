"""What sms-svc's service layer needs from the outside, as protocols (instants as datetimes)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sms_svc.domain.message import Attempt, Delivery, SmsMessage
from sms_svc.domain.notice import Notice
from sms_svc.domain.ratelimit import Admission
from sms_svc.domain.scope import StaffScope
from sms_svc.domain.webhook import Subscription, Try, WebhookDelivery

__all__ = [
    "Attempt",
    "Delivery",
    "MessageQuery",
    "MessageStore",
    "NoticeQuery",
    "NoticeStore",
    "OutgoingSms",
    "Poster",
    "RateWindowStore",
    "SmsProvider",
    "StaffScopeStore",
    "SubscriptionStore",
    "UrlGuard",
    "WebhookDeliveryStore",
    "WebhookSender",
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


@dataclass(frozen=True)
class NoticeQuery:
    """A page of notices: newest first, after the (at, id) of the previous page's last one."""

    seller_id: str | None = None
    kind: str | None = None
    categories: frozenset[str] | None = None
    after: tuple[datetime, str] | None = None
    limit: int = 50


class NoticeStore(Protocol):
    """The sellers' notices (adapter: `adapters.notices.Notices`)."""

    async def insert_many(self, notices: list[Notice]) -> list[bool]:
        """Record notices in one round trip; per notice False if its id exists already."""
        ...

    async def search(self, query: NoticeQuery) -> list[Notice]: ...


class SubscriptionStore(Protocol):
    """One webhook per seller (adapter: `adapters.webhooks.Subscriptions`)."""

    async def put(self, subscription: Subscription) -> None: ...

    async def get(self, seller_id: str) -> Subscription | None: ...

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        """The webhooks of those sellers that have one, in one round trip."""
        ...


class WebhookDeliveryStore(Protocol):
    """The deliveries and their attempts (adapter: `adapters.webhooks.Deliveries`)."""

    async def insert_many(self, deliveries: list[WebhookDelivery]) -> list[bool]:
        """Record new deliveries in one round trip; per delivery False if its id existed."""
        ...

    async def get(self, delivery_id: str) -> WebhookDelivery | None: ...

    async def claim(
        self, delivery_id: str, *, now: datetime, lease: timedelta
    ) -> WebhookDelivery | None:
        """Take a PENDING delivery that is due and nobody holds, for `lease`."""
        ...

    async def save(self, delivery: WebhookDelivery, *, was: str) -> bool:
        """Save a changed delivery if it is still in status `was`; whether it was saved."""
        ...

    async def finish(self, delivery: WebhookDelivery, *, was: str) -> None:
        """Save an attempt's outcome if the delivery is still in status `was`."""
        ...

    async def due(self, *, now: datetime, limit: int) -> list[str]:
        """PENDING deliveries due by `now` that nobody holds."""
        ...

    async def search(
        self, *, seller_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[WebhookDelivery]:
        """A seller's deliveries, newest first."""
        ...


class WebhookSender(Protocol):
    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Try:
        """One POST with a timeout; the attempt as it went (never raises for the endpoint)."""
        ...

    async def close(self) -> None: ...


class UrlGuard(Protocol):
    async def refused(self, url: str) -> str | None:
        """Why `url` may not be posted to now (scheme, or an internal address), or None."""
        ...


class Poster(Protocol):
    """Posts new deliveries under the webhook bounds (adapter: the webhook worker)."""

    def first_try(
        self, delivery: WebhookDelivery, subscription: Subscription
    ) -> asyncio.Future[Try] | None:
        """Post a delivery not stored yet; its attempt (unrecorded), or None if too many wait."""
        ...

    def record_later(self, delivery: WebhookDelivery, tried: asyncio.Future[Try]) -> None:
        """Once the first attempt of a delivery stored meanwhile ends, record it."""
        ...
