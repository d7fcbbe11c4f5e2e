"""Strict input: money, counts, phones and ids are validated once (422), never taken loosely."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", True),
        ("quantity", "1"),
        ("quantity", 1.5),
        ("paid_amount", " 1.00"),
        ("paid_amount", "\uff11\uff10\uff10"),  # full-width 100
        ("paid_amount", "1e2"),
        ("paid_amount", "+1.00"),
        ("paid_amount", True),
        ("paid_amount", "10000000.00"),
        ("customer_phone", "10000000000"),
        ("customer_phone", "12000000000"),
        ("customer_phone", "\u0661\u0663\u0668\u0660\u0660\u0661\u0663\u0668\u0660\u0660\u0660"),
        ("customer_phone", "13800138000\n"),
        ("seller_id", "s\u0000x"),
        ("sku", "SKU\u0000"),
        ("category", "phones\n"),
        ("description", "cracked\u0000"),
    ],
)
async def test_loose_numbers_phones_and_ids_are_422(api: Api, field: str, value: Any) -> None:
    await api.setup_seller()
    body = {
        "order_no": f"JD-{api.unique}-x",
        "seller_id": api.seller,
        "sku": "SKU-1",
        "quantity": 1,
        "paid_amount": "199.00",
        "category": "phones",
        "reason": "broken",
        "description": "screen cracked",
        "quality_issue": True,
        "customer_phone": "13800138000",
    } | {field: value}
    r = await api.client.post("/v1/service-orders", json=body, headers=api.me)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["loc"][-1] == field
    listed = await api.client.get("/v1/service-orders", headers=api.me)
    assert listed.json()["items"] == []


async def test_a_return_freight_has_a_ceiling(api: Api) -> None:
    await api.setup_seller()
    o = await api.received()
    too_much = {"amount": "9999999999.99"}
    r = await api.client.put(
        f"/v1/service-orders/{o['id']}/return-freight", json=too_much, headers=api.staff("both")
    )
    assert r.status_code == 422, r.text
    assert "999.99" in r.json()["error"]["message"]
    fine = await api.do(
        o["id"], "return-freight", api.staff("both"), {"amount": 999.99}, method="PUT"
    )
    assert fine["freight"]["return_freight"] == "999.99"


@pytest.mark.parametrize("phone", ["13800138000", "+8613800138000", "+86 13800138000"])
async def test_phones_are_stored_normalised_and_found_in_any_form(api: Api, phone: str) -> None:
    await api.setup_seller()
    o = await api.apply(customer_phone=phone)
    assert o["customer_phone"] == "13800138000"
    for query in ("13800138000", "+86 13800138000", "8613800138000", "+8613800138000"):
        r = await api.client.get(
            "/v1/service-orders", params={"customer_phone": query}, headers=api.boss
        )
        assert r.status_code == 200, r.text
        assert [i["id"] for i in r.json()["items"]] == [o["id"]], query
    r = await api.client.get(
        "/v1/service-orders", params={"customer_phone": "13900139000"}, headers=api.boss
    )
    assert r.json()["items"] == []
    r = await api.client.get(
        "/v1/service-orders", params={"customer_phone": "12000000000"}, headers=api.boss
    )
    assert r.status_code == 422


async def test_the_tracking_number_filter_finds_the_shipped_order(api: Api) -> None:
    await api.setup_seller()
    shipped = await api.received()
    await api.apply()
    r = await api.client.get(
        "/v1/service-orders", params={"tracking_no": f"SF{api.unique}"}, headers=api.boss
    )
    assert [i["id"] for i in r.json()["items"]] == [shipped["id"]]
    r = await api.client.get(
        "/v1/service-orders", params={"tracking_no": "SF-nobody"}, headers=api.boss
    )
    assert r.json()["items"] == []


async def test_an_order_stored_before_normalisation_is_found_too(
    api: Api, mongo_client: Any, settings: Any
) -> None:
    await api.setup_seller()
    o = await api.apply()
    orders = mongo_client[settings.mongo_db]["service_orders"]
    changed = await orders.update_one(
        {"_id": {"$eq": o["id"]}}, {"$set": {"customer_phone": "+8613800138000"}}
    )
    assert changed.modified_count == 1
    r = await api.client.get(
        "/v1/service-orders", params={"customer_phone": "+86 13800138000"}, headers=api.boss
    )
    assert [i["id"] for i in r.json()["items"]] == [o["id"]]


async def test_a_body_larger_than_any_legal_request_is_413(api: Api) -> None:
    huge = b'{"order_no": "' + b"x" * (4 * 1024 * 1024) + b'"}'
    r = await api.client.post(
        "/v1/service-orders",
        content=huge,
        headers={**api.me, "content-type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "body_too_large"
