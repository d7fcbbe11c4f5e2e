"""One open application per order line: a second one (a retry with a new key) is 409."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from api_support import Api

pytestmark = pytest.mark.integration
APPLY = "/v1/service-orders"


async def test_a_second_open_application_names_the_open_one(api: Api) -> None:
    await api.setup_seller()
    await api.place_order(f"JD-{api.unique}", [("SKU-1", 1, "199.00"), ("SKU-2", 1, "199.00")])
    first = await api.apply(order_no=f"JD-{api.unique}", sku="SKU-1")
    r = await api.client.post(
        APPLY,
        json=api.application(order_no=f"JD-{api.unique}", sku="SKU-1"),
        headers=api.me | {"Idempotency-Key": f"retry-{api.unique}"},
    )
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert (error["code"], error["open_order_id"]) == ("application_open", first["id"])
    other_line = await api.apply(order_no=f"JD-{api.unique}", sku="SKU-2")
    assert other_line["status"] == "PENDING_CLAIM"
    mine = (await api.client.get(f"{APPLY}?order_no=JD-{api.unique}", headers=api.me)).json()
    assert len(mine["items"]) == 2


async def test_the_line_is_free_again_once_the_order_is_final(api: Api) -> None:
    await api.setup_seller()
    line = {"order_no": f"JD-{api.unique}", "sku": "SKU-1"}
    first = await api.apply(**line)
    await api.do(first["id"], "claim", api.staff("auditor"))
    await api.do(first["id"], "audit", api.staff("auditor"), {"result": "REJECT"})
    again = await api.apply(**line)
    assert again["id"] != first["id"]
    r = await api.client.post(APPLY, json=api.application(**line), headers=api.me)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["open_order_id"] == again["id"]


async def test_another_customer_is_refused_without_learning_the_id(api: Api) -> None:
    await api.setup_seller()
    line = {"order_no": f"JD-{api.unique}", "sku": "SKU-1"}
    first = await api.apply(**line)
    stranger = api.who("customer", sub=f"other-{api.unique}")
    r = await api.client.post(APPLY, json=api.application(**line), headers=stranger)
    assert r.status_code == 404, r.text  # another customer's order (issue 17): not found
    assert "open_order_id" not in r.json()["error"]
    assert first["id"] not in r.text


async def test_two_simultaneous_applications_one_wins(api: Api, replica: httpx.AsyncClient) -> None:
    await api.setup_seller()
    for round_ in range(5):
        line = {"order_no": f"JD-{api.unique}-{round_}", "sku": "SKU-1"}
        await api.place(api.application(**line))
        answers = await asyncio.gather(
            api.client.post(APPLY, json=api.application(**line), headers=api.me),
            replica.post(APPLY, json=api.application(**line), headers=api.me),
        )
        codes = sorted(r.status_code for r in answers)
        assert codes == [201, 409], [r.text for r in answers]
        won = next(r for r in answers if r.status_code == 201).json()
        lost = next(r for r in answers if r.status_code == 409).json()
        assert lost["error"]["open_order_id"] == won["id"]
        listed = await api.client.get(f"{APPLY}?order_no={line['order_no']}", headers=api.boss)
        assert [x["id"] for x in listed.json()["items"]] == [won["id"]]
