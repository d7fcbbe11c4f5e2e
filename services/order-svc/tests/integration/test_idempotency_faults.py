"""Idempotency-Key under faults: commands, applications and batches retried after a crash."""

from __future__ import annotations

import pytest
from aftersales_shared.auth import Principal, Role
from aftersales_shared.persistence import Doc
from api_support import Api
from crash_support import crash_after_the_change, crash_before_the_change, slots
from order_svc.config import Settings
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration


def staff(api: Api, sub: str, seller: str | None = None) -> Principal:
    return Principal(sub=sub, role=Role.SELLER_STAFF, seller_id=seller or api.seller)


async def test_claim_retried_after_a_crash_answers_once(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    await api.setup_seller()
    applied = await api.apply()
    headers = api.staff("auditor") | {"Idempotency-Key": f"c-{api.unique}"}
    first = await api.client.post(f"/v1/service-orders/{applied['id']}/claim", headers=headers)
    assert first.status_code == 200, first.text
    await crash_after_the_change(slots(mongo_client, settings), "applied")
    again = await api.client.post(f"/v1/service-orders/{applied['id']}/claim", headers=headers)
    assert again.status_code == 200, again.text
    assert again.json() == first.json(), "the answer comes from the change already made"
    order = await api.get(applied["id"])
    assert [h["command"] for h in order["history"]].count("CLAIM") == 1
    assert order["version"] == 2


async def test_claim_retried_after_a_crash_before_its_write_runs_it(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    await api.setup_seller()
    lost = await api.apply()
    headers = api.staff("auditor") | {"Idempotency-Key": f"c-{api.unique}"}
    route = f"POST /v1/service-orders/{lost['id']}/claim"
    await crash_before_the_change(
        slots(mongo_client, settings), staff(api, "auditor"), route, f"c-{api.unique}", None
    )
    ran = await api.client.post(f"/v1/service-orders/{lost['id']}/claim", headers=headers)
    assert ran.status_code == 200, ran.text
    assert ran.json()["status"] == "PENDING_AUDIT"
    assert (await api.get(lost["id"]))["version"] == 2


async def test_application_retried_after_a_crash_creates_one_order(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    await api.setup_seller()
    body = {
        "order_no": f"N-{api.unique}",
        "seller_id": api.seller,
        "sku": "S",
        "quantity": 1,
        "paid_amount": "1.00",
        "category": "phones",
        "reason": "r",
        "description": "d",
        "quality_issue": False,
        "customer_phone": "13800138000",
    }
    headers = api.me | {"Idempotency-Key": f"a-{api.unique}"}
    await api.place(body)
    first = await api.client.post("/v1/service-orders", json=body, headers=headers)
    assert first.status_code == 201, first.text
    await crash_after_the_change(slots(mongo_client, settings), "applied")
    again = await api.client.post("/v1/service-orders", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]

    lost = body | {"order_no": f"M-{api.unique}"}
    headers = api.me | {"Idempotency-Key": f"b-{api.unique}"}
    await api.place(lost)
    made = await api.client.post("/v1/service-orders", json=lost, headers=headers)
    assert made.status_code == 201, made.text
    await crash_after_the_change(slots(mongo_client, settings), "lost")
    orders = mongo_client[settings.mongo_db]["service_orders"]
    deleted = await orders.delete_one({"_id": {"$eq": made.json()["id"]}})
    assert deleted.deleted_count == 1, "the write is undone: as if the crash came before it"
    ran = await api.client.post("/v1/service-orders", json=lost, headers=headers)
    assert ran.status_code == 201, ran.text
    assert ran.json()["id"] == made.json()["id"]
    listed = (await api.client.get("/v1/service-orders", headers=api.me)).json()["items"]
    assert sorted(x["order_no"] for x in listed) == sorted([body["order_no"], lost["order_no"]])


async def test_batch_audit_retried_after_a_crash_applies_once(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    await api.setup_seller()
    ids = [(await api.apply())["id"] for _ in range(2)]
    for order_id in ids:
        await api.do(order_id, "claim", api.staff("auditor"))
    body = {"ids": ids, "result": "REJECT", "opinion": "no"}
    headers = api.boss | {"Idempotency-Key": f"b-{api.unique}"}
    first = await api.client.post("/v1/service-orders/batch-audit", json=body, headers=headers)
    assert first.status_code == 200, first.text
    await crash_after_the_change(slots(mongo_client, settings), "applied")
    again = await api.client.post("/v1/service-orders/batch-audit", json=body, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    for order_id in ids:
        order = await api.get(order_id)
        assert order["version"] == 3, "claimed and rejected, once"
