"""The webhook use cases: subscribe, make a notice's delivery, post one attempt, sweep the due
ones, redeliver; and the wire form of a notice as its endpoint receives it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.errors import Conflict, Invalid, NotFound
from prometheus_client import Counter

from sms_svc.domain.notice import Notice
from sms_svc.domain.webhook import Backoff, Status, Subscription, Try, WebhookDelivery
from sms_svc.ports import (
    Poster,
    SubscriptionStore,
    UrlGuard,
    WebhookDeliveryStore,
    WebhookSender,
)

log = structlog.get_logger(__name__)
WEBHOOK_ATTEMPTS = Counter("webhook_attempts_total", "Webhook POSTs by outcome", ["outcome"])


def body_of(notice: Notice) -> str:
    """The JSON a seller's endpoint receives for a notice (the bytes the signature covers)."""
    wire = {
        "id": notice.id,
        "kind": notice.kind,
        "seller_id": notice.seller_id,
        "order_id": notice.order_id,
        "order_no": notice.order_no,
        "text": notice.text,
        "at": notice.at.isoformat(),
        "due_at": None if notice.due_at is None else notice.due_at.isoformat(),
        "facts": notice.facts,
        "order_ids": list(notice.order_ids),
    }
    return json.dumps(wire, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def sign(secret: str, body: bytes) -> str:
    """The `X-Signature` header: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def headers_of(delivery: WebhookDelivery, secret: str) -> dict[str, str]:
    """Signed with the seller's secret; `X-Notice-Id` is the same on every attempt (de-dup)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "aftersales-notices/1",
        "X-Signature": sign(secret, delivery.body.encode()),
        "X-Notice-Id": delivery.notice_id,
        "X-Delivery-Id": delivery.id,
        "X-Delivery-Attempt": str(len(delivery.tries) + 1),
    }


def answered(tried: asyncio.Future[Try]) -> bool:
    """Whether a first attempt has its outcome (not still posting, failed or cancelled)."""
    return tried.done() and not tried.cancelled() and tried.exception() is None


@dataclass
class WebhookService:
    subscriptions: SubscriptionStore
    deliveries: WebhookDeliveryStore
    sender: WebhookSender
    guard: UrlGuard
    clock: Clock
    backoff: Backoff
    lease: timedelta
    rand: Callable[[], float] = field(default=random.random)
    hand_off: Callable[[WebhookDelivery, Subscription], object] = field(default=lambda _d, _s: None)
    """Post a delivery this process holds soon, off the caller's path (set by the worker)."""
    poster: Poster | None = None
    """Posts new deliveries before they are stored (the worker); None: stored, then handed off."""
    first_wait_s: float = 0.25
    """How long a batch waits for its first attempts before storing the unanswered ones."""

    async def subscribe(self, *, seller_id: str, url: str, secret: str) -> Subscription:
        """Keep the seller's webhook; 422 for a URL the guard refuses (SSRF)."""
        reason = await self.guard.refused(url)
        if reason is not None:
            raise Invalid(f"webhook URL refused: {reason}", field="url")
        subscription = Subscription(seller_id, url, secret, updated_at=self.clock.now())
        await self.subscriptions.put(subscription)
        log.info("webhook subscribed", seller_id=seller_id)
        return subscription

    async def notify(self, notice: Notice) -> bool:
        """Make the notice's delivery if the seller has a webhook; False if none or made before."""
        return bool(await self.notify_many([notice]))

    async def subscribed(self, seller_ids: set[str]) -> dict[str, Subscription]:
        """The webhooks of these sellers (one read for a batch of notices, if any)."""
        return await self.subscriptions.get_many(seller_ids)

    async def notify_many(
        self, notices: list[Notice], *, fresh: Sequence[bool] | None = None
    ) -> list[WebhookDelivery]:
        """The notices' deliveries to the sellers with a webhook, stored in one write; those
        made now (not before).

        The delivery of a notice stored just now (`fresh`) is posted first, and stored with
        that attempt in it if the endpoint answered within `first_wait_s` (one write for the
        delivery and its first attempt); the others, and those of a repeated notice, are
        stored held by this process and posted after (their outcome is a second write)."""
        subscribed = await self.subscribed({n.seller_id for n in notices})
        made: dict[str, tuple[WebhookDelivery, bool]] = {}
        now = self.clock.now()
        for n, new in zip(notices, fresh or [False] * len(notices), strict=True):
            if n.seller_id in subscribed:
                delivery = WebhookDelivery.new(
                    notice_id=n.id, seller_id=n.seller_id, body=body_of(n), now=now,
                    lease_until=now + self.lease,
                )  # fmt: skip
                made.setdefault(delivery.id, (delivery, new))
        posting = await self._first_tries(
            [d for d, new in made.values() if new], subscribed=subscribed
        )
        deliveries = [d for d, _ in made.values()]
        stored = await self.deliveries.insert_many(deliveries)
        fresh_ones = [d for d, new in zip(deliveries, stored, strict=True) if new]
        for delivery in fresh_ones:
            tried = posting.get(delivery.id)
            if tried is not None and not tried.done() and self.poster is not None:
                self.poster.record_later(delivery, tried)
            elif tried is None or not answered(tried):
                self.hand_off(delivery, subscribed[delivery.seller_id])
        return fresh_ones

    async def _first_tries(
        self, deliveries: list[WebhookDelivery], *, subscribed: dict[str, Subscription]
    ) -> dict[str, asyncio.Future[Try]]:
        """Post new deliveries before they are stored, waiting `first_wait_s` at most; those
        answered by then record their attempt. Per delivery posted, its attempt."""
        if self.poster is None or not deliveries:
            return {}
        posting: dict[str, asyncio.Future[Try]] = {}
        for delivery in deliveries:
            tried = self.poster.first_try(delivery, subscribed[delivery.seller_id])
            if tried is not None:
                posting[delivery.id] = tried
        if posting:
            await asyncio.wait(posting.values(), timeout=self.first_wait_s)
        for delivery in deliveries:
            tried = posting.get(delivery.id)
            if tried is not None and answered(tried):
                self._record(delivery, tried.result())
        return posting

    async def post(self, delivery: WebhookDelivery, subscription: Subscription | None) -> Try:
        """One POST of a delivery to the seller's webhook as given (refused without one, or
        when the guard refuses its URL now); the attempt, not yet recorded."""
        reason = (
            "no webhook" if subscription is None else await self.guard.refused(subscription.url)
        )
        if subscription is None or reason is not None:
            result = Try(self.clock.now(), 0, "refused")
            log.warning("webhook delivery refused", delivery_id=delivery.id, reason=reason)
        else:
            headers = headers_of(delivery, subscription.secret)
            result = await self.sender.post(
                subscription.url, body=delivery.body.encode(), headers=headers
            )
        WEBHOOK_ATTEMPTS.labels(outcome=result.outcome).inc()
        return result

    def _record(self, delivery: WebhookDelivery, result: Try) -> None:
        delivery.tried(result, backoff=self.backoff, rand=self.rand(), now=self.clock.now())
        if delivery.status == Status.DEAD:
            log.warning("webhook delivery dead", delivery_id=delivery.id, tries=len(delivery.tries))

    async def record(self, delivery: WebhookDelivery, result: Try) -> WebhookDelivery:
        """Save the outcome of an attempt at a stored delivery this process holds."""
        was = delivery.status.value
        self._record(delivery, result)
        await self.deliveries.finish(delivery, was=was)
        return delivery

    async def attempt(
        self, delivery: WebhookDelivery, subscription: Subscription | None = None
    ) -> WebhookDelivery:
        """One POST of a stored delivery this process holds, to the seller's webhook as it is
        now (`subscription` when it was read just now, for a delivery just made), recorded."""
        if subscription is None:
            subscription = await self.subscriptions.get(delivery.seller_id)
        return await self.record(delivery, await self.post(delivery, subscription))

    async def due(self, *, limit: int) -> list[str]:
        return await self.deliveries.due(now=self.clock.now(), limit=limit)

    async def claim(self, delivery_id: str) -> WebhookDelivery | None:
        """Take a due delivery nobody holds, for the lease."""
        return await self.deliveries.claim(delivery_id, now=self.clock.now(), lease=self.lease)

    async def redeliver(self, delivery_id: str, *, seller_id: str) -> WebhookDelivery:
        """The platform sends a delivery again (a new round of attempts, due now)."""
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None or delivery.seller_id != seller_id:
            raise NotFound("no such delivery")
        was = delivery.status.value
        delivery.redeliver(now=self.clock.now())
        if not await self.deliveries.save(delivery, was=was):
            raise Conflict("the delivery changed meanwhile; read it again")
        log.info("webhook redelivery requested", delivery_id=delivery_id)
        return delivery

    async def history(
        self, *, seller_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[WebhookDelivery]:
        return await self.deliveries.search(seller_id=seller_id, after=after, limit=limit)
