"""A firing the rules cannot apply is recorded on the order and acked: nothing dead-lettered."""

from __future__ import annotations

import pytest
from aftersales_shared.messaging import Bus
from aftersales_testkit import depth, eventually
from api_support import Api, fire
from order_svc.config import Settings
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration


async def test_a_zero_paid_pre_compensation_is_recorded_not_dead_lettered(
    api: Api, amqp_url: str, namespace: str, settings: Settings, mongo_client: AsyncMongoClient
) -> None:
    await api.setup_seller()
    oid = (await api.apply())["id"]
    # An order accepted before paid amounts had to be positive (no caller can apply one now).
    orders = mongo_client[settings.mongo_db]["service_orders"]
    changed = await orders.update_one({"_id": {"$eq": oid}}, {"$set": {"paid_fen": 0}})
    assert changed.modified_count == 1
    bus = Bus(url=amqp_url, namespace=namespace, service="timer-svc")
    await bus.connect()
    did = f"{oid}:PRE_COMPENSATION@v1"
    for _ in range(2):  # the second is a repeat: recorded once
        await fire(bus, api.seller, order_id=oid, kind="PRE_COMPENSATION", deadline_id=did)

    async def recorded() -> list[dict[str, str]] | None:
        order = await api.get(oid)
        found = [h for h in order["history"] if h["command"] == "DEADLINE_NOT_APPLIED"]
        return found or None

    (entry,) = await eventually(recorded, timeout=20, what="the refused firing recorded")
    await bus.close()
    assert did in entry["detail"]
    assert "above 0" in entry["detail"]
    assert (entry["actor_role"], entry["status_to"]) == ("system", "PENDING_CLAIM")
    order = await api.get(oid)
    assert (order["status"], order["refund"], order["outcome"]) == ("PENDING_CLAIM", None, None)

    # The two firings may race on the order: the loser is retried (at least once), never
    # dead-lettered, and its repeat is recorded once.
    async def retried() -> bool:
        return await depth(amqp_url, f"{namespace}.order-svc.retry") == 0

    await eventually(retried, timeout=30, what="a retried firing handled")
    assert await depth(amqp_url, f"{namespace}.order-svc.dlq") == 0
    later = await api.get(oid)
    assert [h["command"] for h in later["history"]].count("DEADLINE_NOT_APPLIED") == 1


async def test_an_application_with_nothing_paid_is_refused(api: Api) -> None:
    await api.setup_seller()
    body = {"order_no": f"JD-{api.unique}-0", "seller_id": api.seller, "sku": "SKU-1"}
    body |= {"quantity": 1, "category": "phones", "reason": "broken", "description": "cracked"}
    body |= {"quality_issue": True, "customer_phone": "13800138000", "paid_amount": "0.00"}
    r = await api.client.post("/v1/service-orders", json=body, headers=api.me)
    assert r.status_code == 422, r.text
    assert "paid_amount" in r.text
    r = await api.client.get("/v1/service-orders", headers=api.me)
    assert r.json()["items"] == []
