"""Order facts over HTTP: recorded once by order_no, read by its parties, and the record (never the
application body) deciding the seller, the paid share and the tier (issue 17's attacks)."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


def line_of(view: dict[str, Any], sku: str) -> dict[str, Any]:
    return next(x for x in view["lines"] if x["sku"] == sku)


async def test_order_facts_are_recorded_once_and_seen_by_their_parties(api: Api) -> None:
    await api.setup_seller()
    body = {
        "order_no": f"JD-{api.unique}",
        "seller_id": api.seller,
        "customer_id": api.customer,
        "customer_tier": "GOLD",
        "paid_at": "2026-11-20T10:00:00+08:00",
        "lines": [{"sku": "SKU-1", "quantity": 3, "paid_amount": "10.00"}],
    }
    first = await api.client.post("/v1/orders", json=body, headers=api.agent)
    again = await api.client.post("/v1/orders", json=body, headers=api.agent)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert first.json() == again.json()
    other = body | {"customer_tier": "DIAMOND"}
    r = await api.client.post("/v1/orders", json=other, headers=api.agent)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "order_facts_differ")
    r = await api.client.post("/v1/orders", json=body | {"order_no": "X1"}, headers=api.me)
    assert r.status_code == 403
    url = f"/v1/orders/{body['order_no']}"
    for who in (api.agent, api.me, api.boss, api.staff("auditor")):
        r = await api.client.get(url, headers=who)
        assert r.status_code == 200, r.text
    view = r.json()
    assert (view["customer_tier"], line_of(view, "SKU-1")["paid_amount"]) == ("GOLD", "10.00")
    stranger = api.who("customer", sub=f"other-{api.unique}")
    for who in (stranger, api.who("seller_admin", seller="other-seller")):
        assert (await api.client.get(url, headers=who)).status_code == 404
    assert (await api.client.get("/v1/orders/NOPE", headers=api.agent)).status_code == 404


async def test_the_record_fills_in_the_application_and_claims_what_is_left(api: Api) -> None:
    await api.setup_seller()
    order_no = f"JD-{api.unique}"
    await api.place_order(
        order_no, [("SKU-1", 3, "10.00"), ("SKU-2", 1, "5.00")], customer_tier="DIAMOND"
    )
    bare = api.application(order_no=order_no, quantity=2)
    for sent in ("seller_id", "paid_amount", "customer_tier"):
        bare.pop(sent)
    r = await api.client.post("/v1/service-orders", json=bare, headers=api.me)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["seller_id"], first["paid_amount"], first["customer_tier"]) == (
        api.seller,
        "6.66",
        "DIAMOND",
    )
    assert first["freight"]["return_leg_payer"] == "SELLER"  # a quality issue
    view = (await api.client.get(f"/v1/orders/{order_no}", headers=api.me)).json()
    assert line_of(view, "SKU-1") == {
        "sku": "SKU-1",
        "quantity": 3,
        "paid_amount": "10.00",
        "claimed_quantity": 2,
        "claimed_amount": "6.66",
        "left_quantity": 1,
    }
    await api.do(first["id"], "claim", api.staff("both"))
    await api.do(
        first["id"], "audit", api.staff("both"), {"result": "RESHIP", "reship_sku": "SKU-1"}
    )
    done = await api.do(first["id"], "resolve", api.me)
    assert done["status"] == "COMPLETED"
    r = await api.client.post("/v1/service-orders", json=bare, headers=api.me)  # 2 more: 1 left
    assert (r.status_code, r.json()["error"]["field"]) == (422, "quantity"), r.text
    last = await api.apply(
        order_no=order_no, quantity=1, paid_amount="3.34", customer_tier="DIAMOND"
    )
    assert last["paid_amount"] == "3.34"  # the last unit absorbs the remainder fen
    view = (await api.client.get(f"/v1/orders/{order_no}", headers=api.agent)).json()
    assert (line_of(view, "SKU-1")["claimed_amount"], line_of(view, "SKU-1")["left_quantity"]) == (
        "10.00",
        0,
    )


async def test_the_attacks_are_refused(api: Api) -> None:
    await api.setup_seller()
    await api.setup_seller(seller=f"other-{api.unique}")
    order_no = f"JD-{api.unique}"
    await api.place_order(order_no, [("SKU-1", 2, "199.00")])
    base = api.application(order_no=order_no, paid_amount="99.50")
    for lie, field in (
        ({"paid_amount": "99999.00"}, "paid_amount"),
        ({"paid_amount": "199.00"}, "paid_amount"),  # the whole line for one of its two units
        ({"customer_tier": "DIAMOND"}, "customer_tier"),
        ({"seller_id": f"other-{api.unique}"}, "seller_id"),
        ({"sku": "SKU-NOT-ON-IT"}, "sku"),
        ({"quantity": 3}, "quantity"),
    ):
        r = await api.client.post("/v1/service-orders", json=base | lie, headers=api.me)
        assert (r.status_code, r.json()["error"].get("field")) == (422, field), (lie, r.text)
    stranger = api.who("customer", sub=f"other-{api.unique}")
    r = await api.client.post("/v1/service-orders", json=base, headers=stranger)
    assert r.status_code == 404, r.text
    r = await api.client.post(
        "/v1/service-orders", json=base | {"order_no": "UNKNOWN"}, headers=api.me
    )
    assert r.status_code == 404, r.text
    assert (await api.client.get("/v1/service-orders", headers=api.me)).json()["items"] == []
    made = await api.client.post("/v1/service-orders", json=base, headers=api.me)
    assert (made.status_code, made.json()["paid_amount"]) == (201, "99.50")
