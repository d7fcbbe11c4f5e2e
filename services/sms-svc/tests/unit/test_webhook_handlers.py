"""The webhook use cases on dict-backed stores and a scripted endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.errors import Invalid, NotFound
from sms_svc.adapters.webhook_http import DnsGuard
from sms_svc.domain.notice import Notice
from sms_svc.domain.webhook import Backoff, Status, WebhookDelivery
from sms_svc.handlers.webhooks import WebhookService, sign

from .fakes import FakeDeliveries, FakeSubscriptions, Posted, ScriptedSender

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOTICE = Notice(id="ntc_1", seller_id="s1", kind="RULED", at=NOW, text="t", order_id="o1")


def service(answers: list[int], seen: list[Posted]) -> WebhookService:
    sender = ScriptedSender(answers, seen, at=NOW)
    return WebhookService(
        subscriptions=FakeSubscriptions(), deliveries=FakeDeliveries(), sender=sender,  # type: ignore[arg-type]
        guard=DnsGuard(allow_internal=True), clock=FixedClock(NOW),
        backoff=Backoff(max_attempts=3), lease=timedelta(seconds=60), rand=lambda: 0.5,
    )  # fmt: skip


async def test_a_notice_is_one_delivery_posted_signed() -> None:
    seen: list[Posted] = []
    webhooks = service([500, 200], seen)
    handed: list[WebhookDelivery] = []
    webhooks.hand_off = lambda delivery, _subscription: handed.append(delivery)
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
    body = seen[-1].body
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
