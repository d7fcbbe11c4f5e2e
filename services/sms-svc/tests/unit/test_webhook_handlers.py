"""The webhook use cases on dict-backed stores and an httpx MockTransport endpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.errors import Invalid, NotFound
from sms_svc.adapters.webhook_http import DnsGuard, HttpSender
from sms_svc.adapters.webhooks import changes, delivery_doc, delivery_of
from sms_svc.domain.notice import Notice
from sms_svc.domain.webhook import Backoff, Status, Subscription, WebhookDelivery
from sms_svc.handlers.webhooks import WebhookService, sign

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOTICE = Notice(id="ntc_1", seller_id="s1", kind="RULED", at=NOW, text="t", order_id="o1")


@dataclass
class FakeSubscriptions:
    kept: dict[str, Subscription] = field(default_factory=dict)

    async def put(self, subscription: Subscription) -> None:
        self.kept[subscription.seller_id] = subscription

    async def get(self, seller_id: str) -> Subscription | None:
        return self.kept.get(seller_id)


@dataclass
class FakeDeliveries:
    """Stored as `adapters.webhooks` stores them (the same document mapping)."""

    docs: dict[str, dict[str, object]] = field(default_factory=dict)

    async def insert(self, delivery: WebhookDelivery) -> bool:
        if delivery.id in self.docs:
            return False
        self.docs[delivery.id] = delivery_doc(delivery)
        return True

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


def service(answers: list[int], seen: list[httpx.Request]) -> WebhookService:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(answers.pop(0) if answers else 200)

    sender = HttpSender(clock=lambda: NOW, clients=1)
    for client, _ in sender._pool:
        client._transport = httpx.MockTransport(answer)
    return WebhookService(
        subscriptions=FakeSubscriptions(), deliveries=FakeDeliveries(), sender=sender,  # type: ignore[arg-type]
        guard=DnsGuard(allow_internal=True), clock=FixedClock(NOW),
        backoff=Backoff(max_attempts=3), lease=timedelta(seconds=60), rand=lambda: 0.5,
    )  # fmt: skip


async def test_a_notice_is_one_delivery_posted_signed() -> None:
    seen: list[httpx.Request] = []
    webhooks = service([500, 200], seen)
    handed: list[WebhookDelivery] = []
    webhooks.hand_off = handed.append
    await webhooks.subscribe(seller_id="s1", url="http://hooks.test/s1", secret="s" * 16)
    assert await webhooks.notify(NOTICE)
    assert not await webhooks.notify(NOTICE), "a repeat of the notice is the same delivery"
    (delivery,) = handed
    await webhooks.attempt(delivery)
    assert delivery.status == Status.PENDING
    assert delivery.next_at == NOW + timedelta(seconds=0.75)
    await webhooks.attempt(delivery)
    assert delivery.status == Status.DELIVERED
    stored = await webhooks.deliveries.get(delivery.id)
    assert stored is not None
    assert [t.outcome for t in stored.tries] == ["http_500", "ok"]
    body = seen[-1].content
    assert json.loads(body)["id"] == "ntc_1"
    assert seen[-1].headers["x-signature"] == sign("s" * 16, body)
    assert [r.headers["x-delivery-attempt"] for r in seen] == ["1", "2"]
    await webhooks.sender.close()


async def test_no_webhook_no_delivery_and_a_refused_url() -> None:
    webhooks = service([], [])
    assert not await webhooks.notify(NOTICE)
    webhooks.guard = DnsGuard(allow_internal=False)
    with pytest.raises(Invalid):
        await webhooks.subscribe(seller_id="s1", url="http://127.0.0.1/h", secret="s" * 16)
    with pytest.raises(NotFound):
        await webhooks.redeliver("whd_none", seller_id="s1")
    await webhooks.sender.close()


async def test_another_sellers_delivery_is_not_found() -> None:
    webhooks = service([], [])
    await webhooks.subscribe(seller_id="s1", url="http://hooks.test/s1", secret="s" * 16)
    await webhooks.notify(NOTICE)
    (did,) = webhooks.deliveries.docs  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        await webhooks.redeliver(did, seller_id="s2")
    await webhooks.sender.close()
