"""The real handlers on dict-backed fakes: recording, de-duplication, throttling, retry, sweep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.errors import InvalidTransition, NotFound
from sms_svc.domain.message import message_id
from sms_svc.domain.ratelimit import RateLimits
from sms_svc.handlers.sending import SmsService

from .fakes import FakeMessages, FakeWindows, ScriptedProvider

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def service(
    provider: ScriptedProvider | None = None, limits: RateLimits | None = None
) -> SmsService:
    return SmsService(
        messages=FakeMessages(),
        windows=FakeWindows(limits=limits or RateLimits()),
        provider=provider or ScriptedProvider(),
        clock=FixedClock(T0),
        lease=timedelta(seconds=60),
    )


def command(key: str, *, phone: str = "+8613812341234", **params: str) -> Envelope:
    return envelope(
        type="sms.send",
        payload=SmsSend(
            recipient=phone,
            template="RETURN_APPROVED",
            params=params or {"order_no": "SO1"},
            order_id="o1",
            idempotency_key=key,
        ),
        occurred_at=T0,
        seller_id="s1",
    )


def stored(sms: SmsService, key: str) -> dict[str, object]:
    assert isinstance(sms.messages, FakeMessages)
    return sms.messages.docs[message_id(key)]


async def test_a_good_command_is_sent_once_and_logged() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    await sms.on_send(command("k1"))
    doc = stored(sms, "k1")
    assert doc["status"] == "SENT"
    assert doc["phone"] == "13812341234"
    assert doc["seller_id"] == "s1"
    assert provider.keys() == ["k1"]
    assert provider.sent[0].phone == "13812341234"


async def test_repeats_of_a_key_send_nothing_more() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    for _ in range(3):
        await sms.on_send(command("k1"))
    assert provider.keys() == ["k1"]


async def test_a_bad_command_is_rejected_and_never_sent() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    await sms.on_send(command("k1", order_no="has space"))
    doc = stored(sms, "k1")
    assert doc["status"] == "REJECTED"
    assert str(doc["reason"]).startswith("params:")
    assert provider.sent == []


async def test_over_the_limit_is_throttled_and_not_sent() -> None:
    provider = ScriptedProvider()
    sms = service(provider, RateLimits(per_hour=1, per_day=5))
    await sms.on_send(command("k1"))
    await sms.on_send(command("k2"))
    assert stored(sms, "k2")["status"] == "THROTTLED"
    assert provider.keys() == ["k1"]


async def test_a_failure_is_failed_until_an_operator_retries() -> None:
    provider = ScriptedProvider(outcomes=[False])
    sms = service(provider)
    mid = message_id("k1")
    await sms.on_send(command("k1"))
    assert stored(sms, "k1")["status"] == "FAILED"
    assert stored(sms, "k1")["reason"] == "provider: http_500 after 1 attempts"
    requeued = await sms.retry(mid)
    assert requeued.status == "QUEUED"
    assert await sms.sweep_once() == 1
    doc = stored(sms, "k1")
    assert doc["status"] == "SENT"
    assert len(doc["attempts"]) == 2  # type: ignore[arg-type]
    assert provider.keys() == ["k1", "k1"]
    with pytest.raises(InvalidTransition):
        await sms.retry(mid)
    with pytest.raises(NotFound):
        await sms.retry("sms_nope")


async def test_an_interrupted_delivery_is_finished_by_the_sweep_after_its_lease() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    doc = stored_queued(sms, "k1")
    assert await sms.sweep_once() == 0
    assert isinstance(sms.clock, FixedClock)
    sms.clock.advance(61)
    await sms.on_send(command("k1"))
    assert doc["status"] == "SENT"
    assert await sms.sweep_once() == 0
    assert provider.keys() == ["k1"]


def stored_queued(sms: SmsService, key: str) -> dict[str, object]:
    """A message recorded and handed to the provider by a process that then died."""
    assert isinstance(sms.messages, FakeMessages)
    doc: dict[str, object] = {
        "_id": message_id(key),
        "idempotency_key": key,
        "template": "RETURN_APPROVED",
        "phone": "13812341234",
        "text": "x",
        "status": "QUEUED",
        "reason": None,
        "attempts": [],
        "lease_until_ms": int(T0.timestamp() * 1000) + 60_000,
        "operator_retries": 0,
    }
    sms.messages.docs[message_id(key)] = doc
    return doc


async def test_a_malformed_payload_is_recorded_under_its_envelope() -> None:
    sms = service()
    raw = Envelope(
        id="env-1",
        type="sms.send",
        occurred_at=T0,
        correlation_id="c",
        payload={"recipient": "13812341234", "template": "X"},
    )
    await sms.on_send(raw)
    await sms.on_send(raw)
    assert isinstance(sms.messages, FakeMessages)
    doc = sms.messages.docs[message_id("envelope:env-1")]
    assert doc["status"] == "REJECTED"
    assert "idempotency_key" in doc["reason"]
    assert len(sms.messages.docs) == 1
