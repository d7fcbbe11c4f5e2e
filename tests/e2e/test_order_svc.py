"""order-svc as a process (uvloop + httptools): boots, serves its API and OpenAPI, relays events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aftersales_shared.devstack import Stack
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from aftersales_testkit.order_facts import place_order_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def order_svc(mongo_url: str, namespace: str, unique: str, tmp_path: Path) -> Iterator[str]:
    stack = Stack()
    port = free_port()
    env = {
        "AUTH_SECRET": TEST_SECRET,
        "MONGO_URL": mongo_url,
        "BUS_NAMESPACE": namespace,
        "CLOCK": "system",
        "MONGO_DB_PREFIX": f"e2e{unique}",
    }
    stack.start_service("order-svc", port=port, env=env, log_path=tmp_path / "order-svc.log")
    try:
        stack.wait_ready(timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop()


async def test_order_svc_process_serves_a_lifecycle(order_svc: str, unique: str) -> None:
    seller = f"s-{unique}"
    boss = bearer("seller_admin", sub="boss", seller_id=seller)
    me = bearer("customer", sub=f"c-{unique}")
    async with httpx.AsyncClient(base_url=order_svc, timeout=10) as client:
        assert (await client.get("/readyz")).json()["ready"] is True
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert "/v1/service-orders/{order_id}/audit" in paths
        assert "/v1/exchange-orders/{exchange_order_id}/shipped" in paths
        r = await client.post(
            "/v1/sellers",
            headers=bearer("platform_agent"),
            json={
                "seller_id": seller,
                "name": "S",
                "cooperation_mode": "SOPL",
                "aftersales_contact_phone": "13900000000",
            },
        )
        assert r.status_code == 201, r.text
        application = {
            "order_no": "N1",
            "seller_id": seller,
            "sku": "S",
            "quantity": 2,
            "paid_amount": "10.50",
            "category": "c",
            "reason": "r",
            "description": "d",
            "quality_issue": False,
            "customer_tier": "DIAMOND",
            "customer_phone": "13800138000",
        }
        await place_order_for(client, application, f"c-{unique}")
        r = await client.post("/v1/service-orders", headers=me, json=application)
        assert r.status_code == 201, r.text
        order = r.json()
        assert order["freight"]["return_leg_payer"] == "PLATFORM"
        claimed = await client.post(f"/v1/service-orders/{order['id']}/claim", headers=boss)
        assert claimed.json()["status"] == "PENDING_AUDIT"

        async def relayed() -> bool:
            rows = (await client.get("/metrics")).text
            return "serviceorder.claimed" in rows

        await eventually(relayed, timeout=120, what="the relay published the events (confirmed)")
