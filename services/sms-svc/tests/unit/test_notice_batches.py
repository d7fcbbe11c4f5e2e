"""A batch of notices on dict-backed stores: each stored once (a redelivered batch too), one read
of the sellers' webhooks and one write of the deliveries per batch, the notices written before
their deliveries; with the worker, a new notice's delivery is stored with its first attempt."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.messaging import MessageMeta, Typed
from sms_svc.adapters.message_docs import to_ms
from sms_svc.adapters.notices import notice_doc
from sms_svc.adapters.webhook_http import DnsGuard
from sms_svc.domain.notice import Notice, from_request
from sms_svc.domain.webhook import Backoff, Subscription, Try, WebhookDelivery
from sms_svc.entrypoints.webhook_worker import WebhookWorker
from sms_svc.handlers.notices import NoticeService
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.webhooks import WebhookService
from sms_svc.ports import NoticeQuery

from .fakes import (
    FakeDeliveries,
    FakeMessages,
    FakeSubscriptions,
    FakeWindows,
    ScriptedProvider,
    ScriptedSender,
)

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
META = MessageMeta(
    id="e1", type="notice.requested", version=1, occurred_at=NOW, seller_id="s1",
    correlation_id="c1", attempts=0,
)  # fmt: skip


@dataclass
class FakeNotices:
    docs: dict[str, dict[str, object]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)

    async def insert_many(self, notices: list[Notice]) -> list[bool]:
        self.writes.append("notices")
        fresh = []
        for notice in notices:
            fresh.append(notice.id not in self.docs)
            self.docs.setdefault(notice.id, notice_doc(notice))
        return fresh

    async def search(self, query: NoticeQuery) -> list[Notice]:
        raise NotImplementedError


@dataclass
class CountedSubscriptions(FakeSubscriptions):
    reads: int = 0

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        self.reads += 1
        return await super().get_many(seller_ids)


@dataclass
class LoggedDeliveries(FakeDeliveries):
    writes: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    async def insert_many(self, deliveries: list[WebhookDelivery]) -> list[bool]:
        self.writes.append("deliveries")
        return await super().insert_many(deliveries)

    async def finish(self, delivery: WebhookDelivery, *, was: str) -> None:
        self.finished.append(delivery.id)
        await super().finish(delivery, was=was)


def requested(key: str, seller: str, **fields: object) -> NoticeRequested:
    return NoticeRequested(
        notice_key=key, seller_id=seller, kind="AUDIT_DUE_SOON", order_id=f"o-{key}",
        order_no="SO1", due_at=NOW + timedelta(hours=2), **fields,  # type: ignore[arg-type]
    )  # fmt: skip


def asked(key: str, seller: str) -> Notice:
    return from_request(requested(key, seller), at=NOW)


def services() -> tuple[NoticeService, list[WebhookDelivery], ScriptedProvider]:
    notices = FakeNotices()
    deliveries = LoggedDeliveries(writes=notices.writes)
    now = NOW - timedelta(minutes=1)
    subscriptions = CountedSubscriptions(
        {s: Subscription(s, f"http://hooks.test/{s}", "s" * 16, now) for s in ("s1", "s2")}
    )
    webhooks = WebhookService(
        subscriptions=subscriptions, deliveries=deliveries, sender=ScriptedSender([], []),
        guard=DnsGuard(allow_internal=True), clock=FixedClock(NOW), backoff=Backoff(),
        lease=timedelta(seconds=60),
    )  # fmt: skip
    handed: list[WebhookDelivery] = []
    webhooks.hand_off = lambda delivery, subscription: handed.append(delivery)
    provider = ScriptedProvider()
    sms = SmsService(
        messages=FakeMessages(), windows=FakeWindows(), provider=provider,
        clock=FixedClock(NOW), lease=timedelta(seconds=60),
    )  # fmt: skip
    return NoticeService(notices=notices, webhooks=webhooks, sms=sms), handed, provider


async def test_a_batch_stores_each_notice_once_and_makes_one_delivery_each() -> None:
    service, handed, _ = services()
    batch = [asked("a", "s1"), asked("a", "s1"), asked("b", "s3"), asked("c", "s2")]
    await service.record_many(batch)
    stored = service.notices.docs  # type: ignore[attr-defined]
    assert len(stored) == 3, "a repeat inside the batch is the same notice"
    assert sorted(d.seller_id for d in handed) == ["s1", "s2"], "s3 has no webhook"
    assert handed[0].lease_until == NOW + timedelta(seconds=60), "held by this process"
    later = asked("d", "s1")
    await service.record_many([asked("a", "s1"), later])
    assert len(stored) == 4
    assert [d.notice_id for d in handed[2:]] == [later.id], "a's repeat: no new delivery"
    subscriptions = service.webhooks.subscriptions
    assert subscriptions.reads == 2, "one read of the webhooks per batch"  # type: ignore[attr-defined]
    assert service.notices.writes == ["notices", "deliveries"] * 2  # type: ignore[attr-defined]


async def test_a_warning_to_the_contact_is_one_sms_however_often_it_is_asked() -> None:
    service, _, provider = services()
    request = NoticeRequested(
        notice_key="w1", seller_id="s1", kind="AUDIT_DUE_SOON", order_id="o1", order_no="SO1",
        due_at=NOW + timedelta(hours=2), contact_phone="13812341234",
    )  # fmt: skip
    await service.on_requested(request, META)
    await service.on_requested(request, META)
    notice = from_request(request, at=NOW)
    assert [s.idempotency_key for s in provider.sent] == [f"notice:{notice.id}"]


def typed(payload: NoticeRequested | ServiceOrderEvent, message_type: str) -> Typed:
    return Typed(payload, dataclasses.replace(META, type=message_type))


async def test_a_redelivered_batch_stores_each_notice_once() -> None:
    service, handed, _ = services()
    refunded = ServiceOrderEvent(
        order_id="o9", order_no="SO9", seller_id="s2", category="phones", customer_tier="GOLD",
        status_from="PENDING_RECEIPT", status_to="REFUNDED", command="x", actor_id="a",
        actor_role="r", paid_amount="199.00", refund_amount="199.00", applied_at=NOW,
        order_version=3,
    )  # fmt: skip
    batch = [
        typed(requested("a", "s1"), "notice.requested"),
        typed(refunded, "serviceorder.auto_refunded"),
        typed(requested("b", "s3"), "notice.requested"),
    ]
    await service.on_batch(batch)
    await service.on_batch(batch)
    stored = service.notices.docs  # type: ignore[attr-defined]
    assert sorted(d["kind"] for d in stored.values()) == [
        "AUDIT_DUE_SOON", "AUDIT_DUE_SOON", "AUTO_REFUNDED",
    ]  # fmt: skip
    assert sorted(d.seller_id for d in handed) == ["s1", "s2"], "one delivery each, once"
    deliveries = service.webhooks.deliveries.docs  # type: ignore[attr-defined]
    assert len(deliveries) == 2


@dataclass
class GatedSender(ScriptedSender):
    """Holds each POST until `open` is set."""

    open: asyncio.Event = field(default_factory=asyncio.Event)

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Try:
        await self.open.wait()
        return await super().post(url, body=body, headers=headers)


def with_worker(sender: ScriptedSender, *, first_wait_s: float) -> NoticeService:
    service, _, _ = services()
    webhooks = service.webhooks
    webhooks.sender, webhooks.first_wait_s = sender, first_wait_s
    worker = WebhookWorker(webhooks, interval_s=60)
    webhooks.hand_off, webhooks.poster = worker.hand_off, worker
    return service


async def test_a_new_notices_delivery_is_stored_once_with_its_first_attempt() -> None:
    sender = ScriptedSender([500], [], at=NOW)
    service = with_worker(sender, first_wait_s=10)
    await service.record_many([asked("a", "s1"), asked("b", "s2")])
    deliveries: LoggedDeliveries = service.webhooks.deliveries  # type: ignore[assignment]
    assert deliveries.writes == ["notices", "deliveries"]
    assert deliveries.finished == [], "no second write: the attempt came with the delivery"
    docs = sorted(deliveries.docs.values(), key=lambda d: str(d["seller_id"]))
    assert [d["status"] for d in docs] == ["PENDING", "DELIVERED"]
    assert [len(d["tries"]) for d in docs] == [1, 1]  # type: ignore[arg-type]
    assert docs[0]["next_at_ms"] > to_ms(NOW), "the failed one waits for its back-off"
    assert docs[0]["lease_until_ms"] == 0, "nobody holds it: the sweep retries it when due"
    assert len(sender.seen) == 2


async def test_a_first_attempt_slower_than_the_wait_is_recorded_when_it_ends() -> None:
    sender = GatedSender([], [], at=NOW)
    service = with_worker(sender, first_wait_s=0.01)
    await service.record_many([asked("a", "s1")])
    deliveries: LoggedDeliveries = service.webhooks.deliveries  # type: ignore[assignment]
    (doc,) = deliveries.docs.values()
    assert (doc["status"], doc["tries"]) == ("PENDING", []), "stored unanswered"
    assert doc["lease_until_ms"] == to_ms(NOW + timedelta(seconds=60)), "held by this process"
    sender.open.set()
    worker: WebhookWorker = service.webhooks.poster  # type: ignore[assignment]
    await worker.drain()
    assert (doc["status"], len(doc["tries"])) == ("DELIVERED", 1)  # type: ignore[arg-type]
    assert deliveries.finished == [doc["_id"]]
    assert len(sender.seen) == 1, "posted once"
