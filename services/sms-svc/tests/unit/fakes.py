"""Dict-backed stand-ins for the stores and the provider: the real handlers run on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sms_svc.adapters.message_docs import (
    delivery_fields,
    from_doc,
    requeue_fields,
    to_doc,
    to_ms,
)
from sms_svc.adapters.webhooks import changes, delivery_doc, delivery_of
from sms_svc.domain.message import SmsMessage, Status
from sms_svc.domain.ratelimit import Admission, Entry, RateLimits, admit
from sms_svc.domain.webhook import Subscription, Try, WebhookDelivery
from sms_svc.ports import Attempt, Delivery, MessageQuery, OutgoingSms

Doc = dict[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FakeMessages:
    """The delivery log in a dict of documents, mapped as `adapters.mongo.MessageLog` maps."""

    docs: dict[str, Doc] = field(default_factory=dict)

    async def insert(self, message: SmsMessage) -> bool:
        if message.id in self.docs:
            return False
        self.docs[message.id] = to_doc(message)
        return True

    async def get(self, message_id: str) -> SmsMessage | None:
        doc = self.docs.get(message_id)
        return from_doc(doc) if doc else None

    async def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> SmsMessage | None:
        doc = self.docs.get(message_id)
        if not doc or doc["status"] != Status.QUEUED or doc["lease_until_ms"] >= to_ms(now):
            return None
        doc["lease_until_ms"] = to_ms(now + lease)
        return from_doc(doc)

    async def finish(self, message: SmsMessage) -> None:
        doc = self.docs[message.id]
        if doc["status"] == Status.QUEUED:
            doc.update(delivery_fields(message))

    async def requeue(self, message: SmsMessage) -> bool:
        doc = self.docs.get(message.id)
        if not doc or doc["status"] != Status.FAILED:
            return False
        doc.update(requeue_fields(message))
        return True

    async def stale(self, *, now: datetime, limit: int) -> list[str]:
        return [
            d["_id"]
            for d in self.docs.values()
            if d["status"] == Status.QUEUED and d["lease_until_ms"] < to_ms(now)
        ][:limit]

    async def held(self, *, limit: int) -> list[SmsMessage]:
        docs = [d for d in self.docs.values() if d["status"] == Status.HELD]
        docs.sort(key=lambda d: (d["created_at_ms"], d["_id"]))
        return [from_doc(d) for d in docs[:limit]]

    async def mark_digested(self, ids: list[str], *, digest_id: str, now: datetime) -> None:
        for mid in ids:
            doc = self.docs.get(mid)
            if doc and doc["status"] == Status.HELD:
                doc.update(
                    status=Status.DIGESTED.value, digest_id=digest_id, updated_at_ms=to_ms(now)
                )

    async def search(self, query: MessageQuery) -> list[SmsMessage]:
        raise NotImplementedError


@dataclass
class FakeWindows:
    limits: RateLimits = field(default_factory=RateLimits)
    entries: dict[str, tuple[Entry, ...]] = field(default_factory=dict)

    async def admit(self, phone: str, *, key: str, now: datetime) -> Admission:
        verdict = admit(entries=self.entries.get(phone, ()), key=key, now=now, limits=self.limits)
        self.entries[phone] = verdict.entries
        return verdict


@dataclass
class ScriptedProvider:
    """Answers from `outcomes` in turn (True delivered, False failed), then delivers."""

    outcomes: list[bool] = field(default_factory=list)
    sent: list[OutgoingSms] = field(default_factory=list)
    name: str = "fake"

    async def send(self, sms: OutgoingSms) -> Delivery:
        self.sent.append(sms)
        ok = self.outcomes.pop(0) if self.outcomes else True
        attempt = Attempt(at=EPOCH, duration_ms=1, outcome="ok" if ok else "http_500", answer="")
        return Delivery(ok=ok, attempts=(attempt,), provider_ref="p1" if ok else None)

    async def close(self) -> None:
        return None

    def keys(self) -> Sequence[str]:
        return [s.idempotency_key for s in self.sent]


@dataclass
class FakeSubscriptions:
    kept: dict[str, Subscription] = field(default_factory=dict)

    async def put(self, subscription: Subscription) -> None:
        self.kept[subscription.seller_id] = subscription

    async def get(self, seller_id: str) -> Subscription | None:
        return self.kept.get(seller_id)

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        return {s: self.kept[s] for s in seller_ids if s in self.kept}


@dataclass
class FakeDeliveries:
    """Stored as `adapters.webhooks` stores them (the same document mapping)."""

    docs: dict[str, dict[str, object]] = field(default_factory=dict)

    async def insert_many(self, deliveries: list[WebhookDelivery]) -> list[bool]:
        fresh = []
        for delivery in deliveries:
            fresh.append(delivery.id not in self.docs)
            self.docs.setdefault(delivery.id, delivery_doc(delivery))
        return fresh

    async def get(self, delivery_id: str) -> WebhookDelivery | None:
        doc = self.docs.get(delivery_id)
        return delivery_of(doc) if doc else None

    async def save(self, delivery: WebhookDelivery, *, was: str) -> bool:
        doc = self.docs.get(delivery.id)
        if doc is None or doc["status"] != was:
            return False
        doc.update(changes(delivery))
        return True

    async def finish(self, delivery: WebhookDelivery, *, was: str) -> None:
        await self.save(delivery, was=was)


@dataclass(frozen=True)
class Posted:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class ScriptedSender:
    """Answers each POST with the next status code of `answers`, then 200."""

    answers: list[int]
    seen: list[Posted]
    at: datetime = EPOCH

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Try:
        self.seen.append(Posted(url, body, {k.lower(): v for k, v in headers.items()}))
        code = self.answers.pop(0) if self.answers else 200
        return Try(self.at, 1, "ok" if code < 300 else f"http_{code}", code)

    async def close(self) -> None:
        return None
