"""Idempotency-Key under faults: registrations, audit images and a batch that died halfway."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest
from aftersales_shared.auth import Principal, Role
from aftersales_shared.persistence import Doc
from aftersales_shared.service import create_app
from api_support import Api
from crash_support import crash_after_the_change, slots
from fastapi.encoders import jsonable_encoder
from order_svc.bootstrap import definition
from order_svc.config import Settings
from order_svc.domain import commands as c
from order_svc.handlers import OrderService
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration


async def test_seller_and_staff_registrations_retried_after_a_crash_answer_201(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    body = {
        "seller_id": api.seller,
        "name": "Shop",
        "cooperation_mode": "SOP",
        "aftersales_contact_phone": "13900000000",
    }
    headers = api.agent | {"Idempotency-Key": f"s-{api.unique}"}
    first = await api.client.post("/v1/sellers", json=body, headers=headers)
    assert first.status_code == 201, first.text
    await crash_after_the_change(slots(mongo_client, settings), "seller")
    again = await api.client.post("/v1/sellers", json=body, headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()

    staff = {"staff_id": "a1", "name": "a1", "permissions": ["AUDIT"], "categories": ["phones"]}
    headers = api.boss | {"Idempotency-Key": f"t-{api.unique}"}
    url = f"/v1/sellers/{api.seller}/staff"
    added = await api.client.post(url, json=staff, headers=headers)
    assert added.status_code == 201, added.text
    await crash_after_the_change(slots(mongo_client, settings), "staff")
    retried = await api.client.post(url, json=staff, headers=headers)
    assert retried.status_code == 201, retried.text
    assert retried.json() == added.json()
    unkeyed = await api.client.post(url, json=staff, headers=api.boss)
    assert unkeyed.status_code == 409, "without a key, a second registration is refused"
    twice = await api.client.post("/v1/sellers", json=body, headers=api.agent)
    assert twice.status_code == 409
    error = twice.json()["error"]
    assert error.pop("correlation_id")
    assert error == {
        "code": "conflict",
        "message": f"{api.seller} exists already",
        "id": api.seller,
    }, "a clear answer that shows nothing of the store's internals"


@pytest.fixture
async def running(settings: Settings, amqp_url: str, namespace: str) -> AsyncIterator[Any]:
    """order-svc in this process, with its runtime at hand (to replay a crashed attempt's part)."""
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        yield app


async def test_a_batch_that_died_halfway_is_finished_once(
    running: Any, mongo_client: AsyncMongoClient[Doc], settings: Settings, unique: str
) -> None:
    from aftersales_shared.persistence.idempotency import fingerprint, scope_of, slot_id
    from order_svc.domain.model import AUDIT_COMMANDS
    from order_svc.entrypoints.api_audit import BatchAuditBody

    transport = httpx.ASGITransport(app=running)
    async with httpx.AsyncClient(transport=transport, base_url="http://order-svc") as client:
        api = Api(client=client, unique=unique, tap=cast(Any, None))
        await api.setup_seller()
        ids = [(await api.apply())["id"] for _ in range(2)]
        for order_id in ids:
            await api.do(order_id, "claim", api.staff("auditor"))
        body = BatchAuditBody(ids=ids, result="REJECT", opinion="no")
        boss = Principal(sub=f"boss-{unique}", role=Role.SELLER_ADMIN, seller_id=api.seller)
        key = f"half-{unique}"
        slot = slot_id(scope_of(boss, "POST /v1/service-orders/batch-audit"), key)
        await slots(mongo_client, settings).insert_one(
            {
                "_id": slot,
                "fingerprint": fingerprint(jsonable_encoder(body)),
                "state": "running",
                "token": "dead",
                "lease_ms": int(time.time() * 1000) - 1,
            }
        )
        orders: OrderService = running.state.container.orders
        payload = c.Audit(result=body.result, opinion=body.opinion)
        pick = (AUDIT_COMMANDS[body.result], payload)
        # What the attempt that died had done: the first order of the batch, with its slot.
        await orders.batch(boss, ids[:1], lambda _a: pick, correlation_id=None, request=slot)

        retried = await client.post(
            "/v1/service-orders/batch-audit",
            json=body.model_dump(mode="json"),
            headers=api.boss | {"Idempotency-Key": key},
        )
        assert retried.status_code == 200, retried.text
        assert [r["ok"] for r in retried.json()["results"]] == [True, True]
        for order_id in ids:
            order = await api.get(order_id)
            assert order["status"] == "REJECTED", order["status"]
            assert order["version"] == 3, "claimed, then rejected once"


async def test_an_audit_with_images_retried_after_a_crash_stores_them_once(
    api: Api, mongo_client: AsyncMongoClient[Doc], settings: Settings
) -> None:
    await api.setup_seller()
    order = await api.apply()
    await api.do(order["id"], "claim", api.staff("auditor"))
    image = {"filename": "a.png", "content_type": "image/png", "data_base64": "iVBORw0KGgo="}
    body = {"result": "APPROVE_RETURN", "attachments": [image]}
    headers = api.staff("auditor") | {"Idempotency-Key": f"img-{api.unique}"}
    url = f"/v1/service-orders/{order['id']}/audit"
    first = await api.client.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    await crash_after_the_change(slots(mongo_client, settings), "audit")
    again = await api.client.post(url, json=body, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["audit"] == first.json()["audit"]
    images = mongo_client[settings.mongo_db]["attachments"]
    assert await images.count_documents({"order_id": {"$eq": order["id"]}}) == 1
