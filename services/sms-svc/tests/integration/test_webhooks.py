"""Webhooks against a real local HTTP server: signed, retried with back-off, dead after the
bound, redelivered by the platform, and refused on internal addresses in production."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aftersales_shared.auth import Role
from aftersales_testkit import bearer, eventually, free_port
from sms_svc.adapters.fake_endpoint import FakeEndpoint
from sms_svc.adapters.fake_gateway import running
from sms_svc.adapters.webhook_http import DnsGuard
from sms_svc.config import Settings

from .conftest import PLATFORM, StartSms
from .notices_kit import FAST, SECRET, admin, deliveries, hooked, request_notice, settled, verify

pytestmark = pytest.mark.integration


async def test_a_notice_is_posted_signed_with_its_id(start_sms: StartSms, unique: str) -> None:
    seller, endpoint = f"s-{unique}", FakeEndpoint()
    async with hooked(start_sms, endpoint, seller) as sms:
        await request_notice(sms, seller, f"AUDIT_DUE_SOON:{unique}", category="phones")
        done = await settled(sms, seller, "DELIVERED")
    (request,) = endpoint.of(seller)
    assert verify(request.body, request.headers["x-signature"])
    assert not verify(request.body, request.headers["x-signature"], secret="another-secret-value")
    sent = json.loads(request.body)
    assert sent["kind"] == "AUDIT_DUE_SOON"
    assert sent["seller_id"] == seller
    assert sent["due_at"] is not None
    assert sent["order_no"] == "SO1"
    assert request.headers["x-notice-id"] == sent["id"] == done["notice_id"]
    assert request.headers["content-type"] == "application/json"
    assert done["attempts"] == 1
    assert done["status_code"] == 200
    assert not done["dead"]


async def test_500_500_200_is_delivered_with_three_attempts(
    start_sms: StartSms, unique: str
) -> None:
    seller = f"s-{unique}"
    endpoint = FakeEndpoint(plans={seller: [500, 500, 200]})
    async with hooked(start_sms, endpoint, seller) as sms:
        await request_notice(sms, seller, f"k-{unique}")
        done = await settled(sms, seller, "DELIVERED")
    assert done["attempts"] == 3
    assert [t["outcome"] for t in done["tries"]] == ["http_500", "http_500", "ok"]
    gaps = [(b["at"], a["at"]) for a, b in zip(done["tries"], done["tries"][1:], strict=False)]
    assert all(later > earlier for later, earlier in gaps), "each retry after its back-off"
    ids = {r.headers["x-notice-id"] for r in endpoint.of(seller)}
    assert len(ids) == 1, "every attempt carries the same notice id"
    attempts = [r.headers["x-delivery-attempt"] for r in endpoint.of(seller)]
    assert attempts == ["1", "2", "3"]


async def test_always_failing_is_dead_after_the_bound_then_redelivered(
    start_sms: StartSms, unique: str
) -> None:
    seller = f"s-{unique}"
    endpoint = FakeEndpoint(plans={seller: [503, 503, 503]})
    async with hooked(start_sms, endpoint, seller) as sms:
        await request_notice(sms, seller, f"k-{unique}")
        dead = await settled(sms, seller, "DEAD")
        assert dead["dead"]
        assert dead["attempts"] == 3
        assert dead["next_retry"] is None
        assert dead["status_code"] == 503
        assert (await deliveries(sms, seller, admin(seller)))[0]["id"] == dead["id"]
        path = f"/v1/webhooks/{seller}/deliveries/{dead['id']}/redeliver"
        refused = await sms.client.post(path, headers=admin(seller))
        assert refused.status_code == 403, "the platform redelivers, not the seller"
        answer = await sms.client.post(path, headers=PLATFORM)
        assert answer.status_code == 202, answer.text
        done = await settled(sms, seller, "DELIVERED")
    assert done["id"] == dead["id"]
    assert done["attempts"] == 4
    assert done["redeliveries"] == 1
    assert len({r.headers["x-notice-id"] for r in endpoint.of(seller)}) == 1


async def test_a_slow_endpoint_times_out_and_is_retried(start_sms: StartSms, unique: str) -> None:
    slow, quick = f"slow-{unique}", f"quick-{unique}"
    endpoint = FakeEndpoint(plans={slow: ["hang", 200]}, hang_s=1)
    async with hooked(start_sms, endpoint, slow, quick, webhook_timeout_s=0.3) as sms:
        await request_notice(sms, slow, f"slow-{unique}")

        async def called() -> bool:
            return bool(endpoint.of(slow))

        await eventually(called, what="the slow endpoint called")
        await request_notice(sms, quick, f"quick-{unique}")
        await settled(sms, quick, "DELIVERED")

        async def listed() -> list[dict[str, Any]]:  # stored once the batch stops waiting for it
            return await deliveries(sms, slow)

        listing = await eventually(listed, what="the slow one listed")
        assert listing[0]["status"] == "PENDING", "the slow one waits alone"
        assert endpoint.of(slow)[1:] == [], "while its first attempt hangs"
        done = await settled(sms, slow, "DELIVERED")
    assert [t["outcome"] for t in done["tries"]] == ["timeout", "ok"]
    assert done["tries"][0]["status_code"] is None


async def test_loopback_is_refused_in_production_settings(start_sms: StartSms, unique: str) -> None:
    seller = f"s-{unique}"
    assert Settings(env="production", auth_secret="x" * 40).webhooks_may_be_internal is False
    assert Settings(env="development", auth_secret="x" * 40).webhooks_may_be_internal is True
    async with start_sms(webhook_allow_internal=False) as sms:
        for url in (
            "http://127.0.0.1:9/hooks", "http://localhost:9/hooks", "http://[::1]/h",
            "http://10.1.2.3/h", "http://169.254.169.254/latest", "http://192.168.0.1/h",
            "ftp://example.com/h", "http://user:pw@example.com/h",
        ):  # fmt: skip
            answer = await sms.client.put(
                f"/v1/webhooks/{seller}", json={"url": url, "secret": SECRET}, headers=admin(seller)
            )
            assert answer.status_code == 422, (url, answer.text)


async def test_an_address_allowed_once_is_checked_again_at_delivery(
    start_sms: StartSms, unique: str
) -> None:
    seller, endpoint = f"s-{unique}", FakeEndpoint()
    async with hooked(start_sms, endpoint, seller) as sms:
        sms.runtime_container().webhooks.guard = DnsGuard(allow_internal=False)
        await request_notice(sms, seller, f"k-{unique}")
        dead = await settled(sms, seller, "DEAD")
    assert [t["outcome"] for t in dead["tries"]] == ["refused"] * 3
    assert endpoint.of(seller) == []


async def test_a_seller_sets_only_its_own_webhook_and_reads_only_its_deliveries(
    start_sms: StartSms, unique: str
) -> None:
    mine, theirs, endpoint = f"a-{unique}", f"b-{unique}", FakeEndpoint()
    async with hooked(start_sms, endpoint, mine, theirs) as sms:
        await request_notice(sms, theirs, f"k-{unique}")
        await settled(sms, theirs, "DELIVERED")
        body = {"url": f"{endpoint.url}/{mine}", "secret": SECRET}
        for who in (admin(mine), PLATFORM, bearer(Role.SELLER_STAFF, sub="st", seller_id=theirs)):
            answer = await sms.client.put(f"/v1/webhooks/{theirs}", json=body, headers=who)
            assert answer.status_code == 403
        answer = await sms.client.get(f"/v1/webhooks/{theirs}/deliveries", headers=admin(mine))
        assert answer.status_code == 403
        assert await deliveries(sms, mine, admin(mine)) == []
        assert len(await deliveries(sms, theirs, admin(theirs))) == 1


async def test_a_delivery_survives_a_restart(start_sms: StartSms, unique: str) -> None:
    seller = f"s-{unique}"
    endpoint, port = FakeEndpoint(plans={seller: [503]}), free_port()
    async with hooked(start_sms, endpoint, seller, port=port) as sms:
        await request_notice(sms, seller, f"k-{unique}")

        async def failed_once() -> list[dict[str, object]]:
            found = await deliveries(sms, seller)
            return found if found and found[0]["attempts"] == 1 else []

        await eventually(failed_once, what="the first attempt failed")
    async with running(endpoint, port=port), start_sms(**FAST) as sms:
        done = await settled(sms, seller, "DELIVERED")
    assert [t["outcome"] for t in done["tries"]] == ["http_503", "ok"]
