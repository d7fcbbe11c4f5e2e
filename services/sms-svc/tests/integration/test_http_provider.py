"""The http adapter against a real local HTTP server standing in for the gateway."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sms_svc.adapters.fake_gateway import FakeGateway, running
from sms_svc.adapters.http_provider import HttpProvider, RetryPolicy
from sms_svc.ports import OutgoingSms

pytestmark = pytest.mark.integration


def provider(gateway: FakeGateway, *, timeout_s: float = 2.0, attempts: int = 4) -> HttpProvider:
    return HttpProvider(
        url=gateway.url,
        api_key=gateway.api_key,
        clock=lambda: datetime.now(UTC),
        timeout_s=timeout_s,
        retry=RetryPolicy(max_attempts=attempts, backoff_s=0.01, backoff_max_s=0.05),
        rng=random.Random(7),
    )


def sms(key: str) -> OutgoingSms:
    return OutgoingSms(message_id="m1", phone="13812341234", text="你好", idempotency_key=key)


async def test_two_500s_then_200_is_one_delivery_in_three_attempts(unique: str) -> None:
    async with running(FakeGateway(plan=[500, 500, 200])) as gateway:
        http = provider(gateway)
        delivery = await http.send(sms(unique))
        await http.close()
    assert delivery.ok
    assert [a.outcome for a in delivery.attempts] == ["http_500", "http_500", "ok"]
    assert delivery.provider_ref == "gw-1"
    assert [r["key"] for r in gateway.requests] == [unique] * 3
    assert gateway.requests[0]["body"] == {"to": "+8613812341234", "text": "你好", "ref": "m1"}
    assert len(gateway.delivered) == 1


async def test_always_500_fails_after_the_bound(unique: str) -> None:
    async with running(FakeGateway(default=503)) as gateway:
        http = provider(gateway, attempts=3)
        delivery = await http.send(sms(unique))
        await http.close()
    assert not delivery.ok
    assert [a.outcome for a in delivery.attempts] == ["http_503"] * 3
    assert len(gateway.requests) == 3
    assert "planned 503" in delivery.attempts[-1].answer


async def test_a_timeout_is_retried_and_the_gateway_dedups_by_key(unique: str) -> None:
    async with running(FakeGateway(plan=["hang"], hang_s=0.6)) as gateway:
        http = provider(gateway, timeout_s=0.3)
        delivery = await http.send(sms(unique))
        await http.close()
    assert delivery.ok
    assert delivery.attempts[0].outcome == "timeout"
    assert delivery.attempts[-1].outcome == "ok"
    assert len(gateway.delivered) == 1


@pytest.mark.parametrize("status", [400, 401, 422])
async def test_a_4xx_is_not_retried(unique: str, status: int) -> None:
    async with running(FakeGateway(default=status)) as gateway:
        http = provider(gateway)
        delivery = await http.send(sms(unique))
        await http.close()
    assert not delivery.ok
    assert [a.outcome for a in delivery.attempts] == [f"http_{status}"]


async def test_429_is_retried(unique: str) -> None:
    async with running(FakeGateway(plan=[429])) as gateway:
        http = provider(gateway)
        delivery = await http.send(sms(unique))
        await http.close()
    assert [a.outcome for a in delivery.attempts] == ["http_429", "ok"]


async def test_a_wrong_api_key_is_refused(unique: str) -> None:
    async with running(FakeGateway()) as gateway:
        http = HttpProvider(url=gateway.url, api_key="wrong", clock=lambda: datetime.now(UTC))
        delivery = await http.send(sms(unique))
        await http.close()
    assert [a.outcome for a in delivery.attempts] == ["http_401"]


async def test_an_unreachable_gateway_is_retried_then_failed(unique: str) -> None:
    from aftersales_testkit import free_port

    gateway = FakeGateway(url=f"http://127.0.0.1:{free_port()}/sms")
    http = provider(gateway, attempts=2)
    delivery = await http.send(sms(unique))
    await http.close()
    assert [a.outcome for a in delivery.attempts] == ["error", "error"]


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_s=0.2, backoff_max_s=1.0)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in (1, 2, 3, 4, 5)]
    assert 0.1 <= delays[0] <= 0.2
    assert 0.2 <= delays[1] <= 0.4
    assert all(0.5 <= d <= 1.0 for d in delays[3:])
    assert len({round(policy.delay(1, rng), 6) for _ in range(10)}) > 1
