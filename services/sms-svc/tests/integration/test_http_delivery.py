"""sms.send through the broker to a real local gateway: retries, failure, resend, recovery."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_shared.auth import Role
from aftersales_testkit import bearer
from sms_svc.adapters.fake_gateway import FakeGateway, running
from sms_svc.domain.message import message_id

from .conftest import PLATFORM, StartSms

pytestmark = pytest.mark.integration


def http_settings(gateway: FakeGateway, **extra: Any) -> dict[str, Any]:
    return {
        "sms_provider": "http",
        "sms_gateway_url": gateway.url,
        "sms_gateway_api_key": gateway.api_key,
        "sms_gateway_timeout_s": 0.3,
        "sms_gateway_max_attempts": 3,
        "sms_gateway_backoff_s": 0.01,
        "sms_gateway_backoff_max_s": 0.05,
        "sms_lease_s": 5,
        **extra,
    }


REQUEST = {"recipient": "13700001111", "template": "ORDER_CLOSED", "params": {"order_no": "SO7"}}


async def test_500_twice_then_200_is_one_sent_with_three_attempts(
    start_sms: StartSms, unique: str
) -> None:
    async with (
        running(FakeGateway(plan=[500, 500, 200])) as gateway,
        start_sms(**http_settings(gateway)) as sms,
    ):
        found = await sms.settled(await sms.send(key=unique, **REQUEST))
    assert found["status"] == "SENT"
    assert [a["outcome"] for a in found["attempts"]] == ["http_500", "http_500", "ok"]
    assert found["provider"] == "http"
    assert found["provider_ref"] == "gw-1"
    assert len(gateway.delivered) == 1


async def test_failed_after_the_bound_then_an_operator_resends(
    start_sms: StartSms, unique: str
) -> None:
    async with (
        running(FakeGateway(default=500)) as gateway,
        start_sms(**http_settings(gateway)) as sms,
    ):
        mid = await sms.send(key=unique, **REQUEST)
        failed = await sms.settled(mid)
        assert failed["status"] == "FAILED"
        assert len(failed["attempts"]) == 3
        assert failed["reason"] == "provider: http_500 after 3 attempts"
        seller = bearer(Role.SELLER_ADMIN, sub="s", seller_id="seller-1")
        refused = await sms.client.post(f"/v1/messages/{mid}/retry", headers=seller)
        assert refused.status_code == 403
        gateway.default = 200
        headers = {**PLATFORM, "Idempotency-Key": f"retry-{unique}"}
        accepted = await sms.client.post(f"/v1/messages/{mid}/retry", headers=headers)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["status"] == "QUEUED"
        replay = await sms.client.post(f"/v1/messages/{mid}/retry", headers=headers)
        assert replay.status_code == 202
        sent = await sms.settled(mid, "SENT")
        assert [a["outcome"] for a in sent["attempts"]] == ["http_500"] * 3 + ["ok"]
        assert sent["operator_retries"] == 1
        again = await sms.client.post(f"/v1/messages/{mid}/retry", headers=PLATFORM)
        assert again.status_code == 409
        missing = await sms.client.post("/v1/messages/sms_nope/retry", headers=PLATFORM)
        assert missing.status_code == 404
    assert len(gateway.delivered) == 1


async def test_a_timeout_is_retried(start_sms: StartSms, unique: str) -> None:
    async with (
        running(FakeGateway(plan=["hang"], hang_s=0.6)) as gateway,
        start_sms(**http_settings(gateway)) as sms,
    ):
        found = await sms.settled(await sms.send(key=unique, **REQUEST))
    assert found["status"] == "SENT"
    assert found["attempts"][0]["outcome"] == "timeout"
    assert len(gateway.delivered) == 1


async def test_an_interrupted_delivery_is_finished_once_after_a_restart(
    start_sms: StartSms, unique: str
) -> None:
    """The process died after the gateway took the SMS but before the outcome was stored."""
    async with running(FakeGateway()) as gateway, start_sms(**http_settings(gateway)) as sms:
        now = await sms.runtime.db["messages"].insert_one(
            {
                "_id": message_id(unique),
                "idempotency_key": unique,
                "template": "ORDER_CLOSED",
                "params": {"order_no": "SO7"},
                "order_id": "order-1",
                "seller_id": "seller-1",
                "envelope_id": "e0",
                "correlation_id": "c0",
                "phone": "13700001111",
                "text": "【售后】服务单SO7因超时未反馈已关闭",
                "status": "QUEUED",
                "reason": None,
                "attempts": [],
                "provider": "http",
                "provider_ref": None,
                "operator_retries": 0,
                "created_at_ms": 1,
                "updated_at_ms": 1,
                "lease_until_ms": 1,
            }
        )
        assert now.acknowledged
        gateway.delivered[unique] = {"id": "gw-first"}
        await sms.send(key=unique, **REQUEST)
        found = await sms.settled(message_id(unique))
    assert found["status"] == "SENT"
    assert found["provider_ref"] == "gw-first"
    assert [r["key"] for r in gateway.requests] == [unique]
    assert len(gateway.delivered) == 1
