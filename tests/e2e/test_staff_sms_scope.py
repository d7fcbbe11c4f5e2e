"""A "laptops" sub-account reads the SMS of laptop orders only: order-svc and sms-svc as processes.

order-svc announces each staff change (`seller.staff_changed`, in the seller record's write) and
stamps every order SMS with the order's category; sms-svc scopes its log by its copy of the
announcements. The lag of that copy is measured here (printed with `-s`).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.devstack import Stack
from aftersales_testkit import bearer, eventually, free_port
from aftersales_testkit.order_facts import place_order_for

from tests.e2e.conftest import AGENT, stack_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_services(
    mongo_url: str, amqp_url: str, namespace: str, unique: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """order-svc and sms-svc as processes on this test's namespace and databases."""
    env = stack_env(
        mongo_url=mongo_url, amqp_url=amqp_url, namespace=namespace, db_prefix=f"e2e_{unique}"
    ) | {"CLOCK": "system"}
    stack = Stack()
    urls: dict[str, str] = {}
    try:
        for service in ("order-svc", "sms-svc"):
            port = free_port()
            stack.start_service(service, port=port, env=env, log_path=tmp_path / f"{service}.log")
            urls[service] = f"http://127.0.0.1:{port}"
        stack.wait_ready(timeout=90)
        yield urls
    finally:
        stack.stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


async def test_staff_read_the_sms_of_their_categories(
    two_services: dict[str, str], client: httpx.AsyncClient, unique: str
) -> None:
    orders, sms = two_services["order-svc"], f"{two_services['sms-svc']}/v1/messages"
    seller = f"s-{unique}"
    boss = bearer(Role.SELLER_ADMIN, sub="boss", seller_id=seller)
    ann = bearer(Role.SELLER_STAFF, sub="ann", seller_id=seller)

    async def call(method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
        r = await client.request(method, f"{orders}{path}", headers=headers, **kw)
        assert r.status_code in (200, 201, 204), f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    await call("POST", "/v1/sellers", AGENT, json=seller_body(seller))
    member = {"staff_id": "ann", "name": "Ann", "permissions": ["AUDIT"], "categories": ["laptops"]}
    await call("POST", f"/v1/sellers/{seller}/staff", boss, json=member)
    sent = {}
    for category in ("laptops", "phones"):
        application = apply(seller, category)
        await place_order_for(client, application, "c-scope", base=orders)
        order = await call("POST", "/v1/service-orders", customer(), json=application)
        await call("POST", f"/v1/service-orders/{order['id']}/claim", boss)
        body = {"result": "APPROVE_RETURN"}
        await call("POST", f"/v1/service-orders/{order['id']}/audit", boss, json=body)
        sent[category] = await eventually(
            lambda oid=order["id"]: one_sms(client, sms, oid), timeout=120, what=f"{category} SMS"
        )
    laptop, phone = sent["laptops"]["id"], sent["phones"]["id"]
    assert sent["phones"]["category"] == "phones"

    async def sees(want: set[str]) -> bool:
        r = await client.get(sms, headers=ann)
        assert r.status_code == 200, r.text
        return {m["id"] for m in r.json()["items"]} == want

    await eventually(lambda: sees({laptop}), timeout=120, what="ann sees the laptop SMS")
    assert (await client.get(f"{sms}/{phone}", headers=ann)).status_code == 404
    assert (await client.get(f"{sms}/{laptop}", headers=ann)).status_code == 200

    lags = []
    staff = f"/v1/sellers/{seller}/staff/ann"
    for round_no in range(6):  # widen and narrow in turn: each change must show in sms-svc
        wide = round_no % 2 == 0
        cats = ["laptops", "phones"] if wide else ["laptops"]
        await call("PATCH", staff, boss, json={"categories": cats})
        started = time.monotonic()
        want = {laptop, phone} if wide else {laptop}
        await eventually(lambda w=want: sees(w), timeout=120, interval=0.01, what=f"{cats}")
        lags.append(time.monotonic() - started)
        if not wide:
            assert (await client.get(f"{sms}/{phone}", headers=ann)).status_code == 404

    await call("DELETE", staff, boss)
    started = time.monotonic()
    await eventually(lambda: sees(set()), timeout=120, interval=0.01, what="ann removed")
    lags.append(time.monotonic() - started)
    assert (await client.get(f"{sms}/{laptop}", headers=ann)).status_code == 404
    r = await client.get(sms, headers=boss)
    assert {m["id"] for m in r.json()["items"]} == {laptop, phone}
    print(  # noqa: T201 - the figure the README quotes
        f"\nstaff scope lag over {len(lags)} changes: median {statistics.median(lags) * 1000:.0f}"
        f" ms, max {max(lags) * 1000:.0f} ms"
    )


async def one_sms(client: httpx.AsyncClient, url: str, order_id: str) -> dict[str, Any] | None:
    r = await client.get(url, headers=AGENT, params={"order_id": order_id})
    items = r.json()["items"] if r.status_code == 200 else []
    return items[0] if len(items) == 1 and items[0]["status"] == "SENT" else None


def seller_body(seller: str) -> dict[str, str]:
    return {
        "seller_id": seller,
        "name": "Scope",
        "cooperation_mode": "SOP",
        "aftersales_contact_phone": "13900000000",
    }


def customer() -> dict[str, str]:
    return bearer(Role.CUSTOMER, sub="c-scope")


def apply(seller: str, category: str) -> dict[str, Any]:
    return {
        "order_no": f"JD{uuid.uuid4().int % 10**16:016d}",
        "seller_id": seller,
        "sku": f"SKU-{category}",
        "quantity": 1,
        "paid_amount": "199.00",
        "category": category,
        "reason": "broken",
        "description": "it does not start",
        "quality_issue": True,
        "customer_phone": f"139{uuid.uuid4().int % 10**8:08d}",
    }
