"""Errors per path: 401/403/404/409/422 with clear messages, and bad input changes nothing."""

from __future__ import annotations

import asyncio
import base64

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


async def test_no_token_or_bad_token_is_401(api: Api) -> None:
    for method, path in (
        ("GET", "/v1/service-orders"),
        ("POST", "/v1/service-orders"),
        ("POST", "/v1/sellers"),
        ("POST", "/v1/service-orders/x/claim"),
    ):
        r = await api.client.request(method, path)
        assert r.status_code == 401, path
    r = await api.client.get("/v1/service-orders", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("process", {"outcome": "REFUND", "amount": "199.01", "reason": "x"}, "amount"),
        ("process", {"outcome": "REFUND", "amount": "-1", "reason": "x"}, "amount"),
        ("process", {"outcome": "REFUND", "amount": "12.345", "reason": "x"}, "amount"),
        ("process", {"outcome": "REFUND", "amount": "50", "reason": "x"}, "remark"),
        ("process", {"outcome": "TELEPORT"}, "outcome"),
        ("process", {"outcome": "AUTO_REFUND"}, "outcome"),
        ("process", {"outcome": "EXCHANGE", "sku": "S", "amount": "1"}, "amount"),
        ("process", {"outcome": "OFFLINE_EXCHANGE", "remark": "r"}, "tracking_no"),
        ("process", {"outcome": "REFUND", "amount": "1", "reason": "x", "bogus": 1}, "bogus"),
        ("return-freight", {"amount": "abc"}, "amount"),
        ("return-freight", {}, "amount"),
    ],
)
async def test_bad_processing_input_changes_nothing(
    api: Api, path: str, body: dict[str, object], field: str
) -> None:
    await api.setup_seller()
    o = await api.received()
    method = "PUT" if path == "return-freight" else "POST"
    err = await api.do(o["id"], path, api.staff("both"), body, expect=422, method=method)
    assert field in str(err["error"])
    after = await api.get(o["id"])
    assert (after["status"], after["version"], after["refund"]) == ("PENDING_PROCESS", 5, None)


async def test_bad_audits_change_nothing(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("auditor"))
    png = base64.b64encode(b"x" * 10).decode()
    big = base64.b64encode(b"x" * (800 * 1024)).decode()
    image = {"filename": "a.png", "content_type": "image/png", "data_base64": png}
    for body in (
        {"result": "MAYBE"},
        {"result": "RESHIP"},
        {},
        {"result": "REJECT", "attachments": [image] * 4},
        {"result": "REJECT", "attachments": [image | {"data_base64": big}]},
        {"result": "REJECT", "attachments": [image | {"content_type": "text/plain"}]},
        {"result": "REJECT", "attachments": [image | {"data_base64": "%%%"}]},
    ):
        await api.do(o["id"], "audit", api.staff("auditor"), body, expect=422)
    after = await api.get(o["id"])
    assert (after["status"], after["version"], after["audit"]) == ("PENDING_AUDIT", 2, None)


async def test_bad_applications_are_refused(api: Api) -> None:
    await api.setup_seller()
    await api.place({"order_no": "N", "seller_id": api.seller, "sku": "S", "paid_amount": "1.00"})
    for overrides in (
        {"paid_amount": "-5"},
        {"quantity": 0},
        {"customer_phone": "12"},
        {"seller_id": "nobody"},
        {"customer_tier": "WOOD"},
        {"quality_issue": "?"},
    ):
        body = {
            "order_no": "N",
            "seller_id": api.seller,
            "sku": "S",
            "quantity": 1,
            "paid_amount": "1.00",
            "category": "phones",
            "reason": "r",
            "description": "d",
            "quality_issue": True,
            "customer_phone": "13800138000",
        } | overrides
        r = await api.client.post("/v1/service-orders", json=body, headers=api.me)
        assert r.status_code == 422, overrides
    r = await api.client.post("/v1/service-orders", json={}, headers=api.boss)
    assert r.status_code == 422
    listed = await api.client.get("/v1/service-orders", headers=api.me)
    assert listed.json()["items"] == []


async def test_tenancy_and_permissions(api: Api) -> None:
    await api.setup_seller()
    await api.setup_seller(seller=f"other-{api.unique}")
    o = await api.apply()
    oid = o["id"]
    strangers = [
        api.who("customer", sub="someone-else"),
        api.who("seller_admin", seller=f"other-{api.unique}"),
        api.staff("shoes"),
    ]
    for headers in strangers:
        assert (
            await api.client.get(f"/v1/service-orders/{oid}", headers=headers)
        ).status_code == 404
        await api.do(oid, "claim", headers, expect=404)
    err = await api.do(oid, "claim", api.staff("processor"), expect=403)
    assert "AUDIT" in err["error"]["message"]
    await api.do(oid, "claim", api.me, expect=403)
    r = await api.client.get(f"/v1/service-orders/{oid}", headers=api.who("qc_analyst"))
    assert r.status_code == 403
    await api.do(oid, "claim", api.staff("auditor"))
    err = await api.do(oid, "audit", api.staff("both"), {"result": "REJECT"}, expect=403)
    assert "claimed" in err["error"]["message"]
    await api.do(oid, "claim", api.staff("both"), expect=409)
    await api.do(oid, "audit", api.staff("auditor"), {"result": "REJECT", "opinion": "no"})
    err = await api.do(oid, "abandon", api.me, expect=409)
    assert "REJECTED" in err["error"]["message"]


async def test_removed_staff_loses_rights_at_once(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    r = await api.client.patch(
        f"/v1/sellers/{api.seller}/staff/auditor",
        headers=api.boss,
        json={"permissions": ["PROCESS"]},
    )
    assert r.status_code == 200
    await api.do(o["id"], "claim", api.staff("auditor"), expect=403)
    r = await api.client.delete(f"/v1/sellers/{api.seller}/staff/both", headers=api.boss)
    assert r.status_code == 204
    await api.do(o["id"], "claim", api.staff("both"), expect=404)


async def test_idempotency_key_replays_and_never_repeats(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    url = f"/v1/service-orders/{o['id']}/claim"
    headers = api.staff("auditor") | {"Idempotency-Key": f"k-{api.unique}"}
    first = await api.client.post(url, headers=headers)
    again = await api.client.post(url, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert (await api.get(o["id"]))["version"] == 2
    headers = api.me | {"Idempotency-Key": f"apply-{api.unique}"}
    body = {
        "order_no": "N",
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
    await api.place(body)
    a = await api.client.post("/v1/service-orders", json=body, headers=headers)
    b = await api.client.post("/v1/service-orders", json=body, headers=headers)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] == b.json()["id"]
    c = await api.client.post("/v1/service-orders", json=body | {"sku": "T"}, headers=headers)
    assert c.status_code == 422
    assert "different request body" in c.json()["error"]["message"]
    listed = (await api.client.get("/v1/service-orders?order_no=N", headers=api.me)).json()
    assert len(listed["items"]) == 1


async def test_two_concurrent_commands_one_wins_the_other_409(api: Api) -> None:
    await api.setup_seller()
    for _ in range(3):
        o = await api.apply()
        url = f"/v1/service-orders/{o['id']}/claim"
        results = await asyncio.gather(
            api.client.post(url, headers=api.staff("auditor")),
            api.client.post(url, headers=api.staff("both")),
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 409], [r.text for r in results]
        after = await api.get(o["id"])
        assert after["version"] == 2
        assert len(after["history"]) == 2


async def test_batch_assign_and_batch_audit(api: Api) -> None:
    await api.setup_seller()
    a, b = await api.apply(), await api.apply()
    ids = [a["id"], b["id"]]
    body = {"ids": ids, "staff_id": "auditor"}
    r = await api.client.post("/v1/service-orders/assign", json=body, headers=api.staff("both"))
    assert r.status_code == 403
    r = await api.client.post(
        "/v1/service-orders/assign", headers=api.boss, json={"ids": ids, "staff_id": "processor"}
    )
    assert r.status_code == 422, r.text
    r = await api.client.post("/v1/service-orders/assign", json=body, headers=api.boss)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["PENDING_AUDIT"] * 2
    mine = await api.client.get("/v1/service-orders?assignee=auditor", headers=api.boss)
    assert {x["id"] for x in mine.json()["items"]} == set(ids)
    bad = {"ids": ids, "result": "APPROVE_RETURN"}
    r = await api.client.post("/v1/service-orders/batch-audit", json=bad, headers=api.boss)
    assert r.status_code == 422
    r = await api.client.post(
        "/v1/service-orders/batch-audit",
        headers=api.staff("both"),
        json={"ids": ids, "result": "REJECT"},
    )
    assert r.status_code == 200, r.text
    refused = r.json()["results"]
    assert [(x["id"], x["ok"], x["error"]) for x in refused] == [
        (i, False, "forbidden") for i in ids
    ], "only the claimer (or the main account) audits: each order says so"
    r = await api.client.post(
        "/v1/service-orders/batch-audit",
        headers=api.staff("auditor"),
        json={"ids": [a["id"], "missing"], "result": "REJECT", "opinion": "no proof of purchase"},
    )
    assert r.status_code == 200, r.text
    done, missing = r.json()["results"]
    assert (done["id"], done["ok"], done["status"]) == (a["id"], True, "REJECTED")
    assert (missing["id"], missing["ok"], missing["error"]) == ("missing", False, "not_found")
    assert (await api.get(a["id"]))["status"] == "REJECTED", "the refused order held none back"
    assert (await api.get(b["id"]))["status"] == "PENDING_AUDIT", "an order not named is untouched"
    ids = [b["id"]]
    r = await api.client.post(
        "/v1/service-orders/batch-audit",
        headers=api.staff("auditor"),
        json={"ids": ids, "result": "CUSTOMER_ABANDON", "note": "agreed by phone"},
    )
    assert r.status_code == 200
    assert {(await api.get(i))["status"] for i in ids} == {"CANCELLED"}


async def test_list_filters_pagination_and_feedback_flag(api: Api) -> None:
    await api.setup_seller()
    orders = [await api.apply() for _ in range(3)]
    shoes = await api.apply(category="shoes")
    page = (await api.client.get("/v1/service-orders?limit=2", headers=api.boss)).json()
    assert [x["id"] for x in page["items"]] == [shoes["id"], orders[2]["id"]]
    assert page["next_offset"] == 2
    rest = (await api.client.get("/v1/service-orders?limit=2&offset=2", headers=api.boss)).json()
    assert [x["id"] for x in rest["items"]] == [orders[1]["id"], orders[0]["id"]]
    assert rest["next_offset"] is None
    staff_view = (await api.client.get("/v1/service-orders", headers=api.staff("shoes"))).json()
    assert [x["id"] for x in staff_view["items"]] == [shoes["id"]]
    other = api.who("customer", sub="someone-else")
    assert (await api.client.get("/v1/service-orders", headers=other)).json()["items"] == []
    oid = orders[0]["id"]
    await api.do(oid, "claim", api.staff("auditor"))
    await api.do(oid, "audit", api.staff("auditor"), {"result": "REQUEST_FEEDBACK"})
    await api.do(oid, "feedback", api.me, {"text": "here are photos", "photos": ["http://p/1"]})
    url = "/v1/service-orders?customer_responded=true&status=PENDING_AUDIT"
    responded = (await api.client.get(url, headers=api.boss)).json()["items"]
    assert [x["id"] for x in responded] == [oid]
    by_no = f"/v1/service-orders?order_no={orders[1]['order_no']}"
    assert [x["id"] for x in (await api.client.get(by_no, headers=api.agent)).json()["items"]] == [
        orders[1]["id"]
    ]
    r = await api.client.get("/v1/service-orders?limit=0", headers=api.boss)
    assert r.status_code == 422


async def test_sellers_and_staff(api: Api) -> None:
    body = {
        "seller_id": api.seller,
        "name": "Shop",
        "cooperation_mode": "SOPL",
        "aftersales_contact_phone": "13900000000",
    }
    assert (await api.client.post("/v1/sellers", json=body, headers=api.boss)).status_code == 403
    bad = body | {"aftersales_contact_phone": "123"}
    assert (await api.client.post("/v1/sellers", json=bad, headers=api.agent)).status_code == 422
    assert (await api.client.post("/v1/sellers", json=body, headers=api.agent)).status_code == 201
    assert (await api.client.post("/v1/sellers", json=body, headers=api.agent)).status_code == 409
    url = f"/v1/sellers/{api.seller}"
    r = await api.client.patch(
        url, json={"aftersales_contact_phone": "13700000000"}, headers=api.boss
    )
    assert r.json()["aftersales_contact_phone"] == "13700000000"
    stranger = api.who("seller_admin", seller="elsewhere")
    assert (await api.client.patch(url, json={"name": "x"}, headers=stranger)).status_code == 404
    for i in range(10):
        r = await api.client.post(
            f"{url}/staff",
            headers=api.boss,
            json={
                "staff_id": f"s{i}",
                "name": "n",
                "permissions": ["AUDIT"],
                "categories": ["phones"],
            },
        )
        assert r.status_code == 201, r.text
    r = await api.client.post(
        f"{url}/staff", headers=api.boss, json={"staff_id": "s10", "name": "n"}
    )
    assert r.status_code == 409
    assert "at most 10" in r.json()["error"]["message"]
    r = await api.client.post(
        f"{url}/staff",
        headers=api.boss,
        json={"staff_id": "s11", "name": "n", "permissions": ["ROOT"]},
    )
    assert r.status_code == 422
    assert (await api.client.get(f"{url}/staff", headers=api.staff("s1"))).status_code == 403
    listed = (await api.client.get(f"{url}/staff", headers=api.boss)).json()["items"]
    assert len(listed) == 10
    assert (await api.client.delete(f"{url}/staff/nobody", headers=api.boss)).status_code == 404
