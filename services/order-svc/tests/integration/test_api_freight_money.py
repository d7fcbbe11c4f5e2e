"""Freight money over HTTP: the DIAMOND+ rule, the return freight refunded once when processed and
shown per leg, the outbound freight, and every movement on its event exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_shared.messaging import Bus
from api_support import Api, fire

pytestmark = pytest.mark.integration


def movements(event: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(m["kind"], m["amount"], m["payer"], m["payee"]) for m in event["payload"]["movements"]]


async def test_a_diamond_order_needs_its_return_freight_then_refunds_it_once(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply(customer_tier="DIAMOND", quality_issue=False)
    both = api.staff("both")
    await api.do(o["id"], "claim", both)
    await api.do(o["id"], "audit", both, {"result": "APPROVE_RETURN"})
    await api.do(o["id"], "shipment", api.me, {"carrier": "SF", "tracking_no": "T1"})
    await api.do(o["id"], "receipt", both, {"note": "ok"})
    original = {"outcome": "RETURN_ORIGINAL", "remark": "not eligible", "freight": "8.00"}
    refused = await api.do(o["id"], "process", both, original, expect=422)
    assert refused["error"]["code"] == "return_freight_required"
    await api.do(o["id"], "return-freight", both, {"amount": "15.00"}, method="PUT")
    done = await api.do(o["id"], "process", both, original)
    legs = {leg["leg"]: leg for leg in done["freight"]["legs"]}
    assert (legs["RETURN"]["amount"], legs["RETURN"]["paid_by"]) == ("15.00", "PLATFORM")
    assert legs["RETURN"]["refunded_to_customer"] == "15.00"
    assert legs["RETURN"]["refunded_at"] is not None
    assert (legs["OUTBOUND"]["amount"], legs["OUTBOUND"]["paid_by"]) == ("8.00", "SELLER")
    event = await api.tap.wait_for(
        lambda m: m["type"] == "serviceorder.processed" and m["payload"]["order_id"] == o["id"]
    )
    assert movements(event) == [
        ("FREIGHT_REFUND", "15.00", "PLATFORM", "CUSTOMER"),
        ("OUTBOUND_FREIGHT", "8.00", "SELLER", "PLATFORM"),
    ]
    await api.do(o["id"], "reopen", both)
    again = await api.do(o["id"], "process", both, original | {"freight": "0"})
    assert {leg["leg"]: leg for leg in again["freight"]["legs"]}["RETURN"] == legs["RETURN"]
    await api.tap.wait_for(
        lambda m: (
            m["type"] == "serviceorder.processed"
            and m["payload"]["order_id"] == o["id"]
            and m["payload"]["order_version"] == again["version"]
        )
    )
    mine = [m for m in api.tap.seen if m["payload"].get("order_id") == o["id"]]
    kinds = [mv["kind"] for m in mine for mv in m["payload"].get("movements", [])]
    assert sorted(kinds) == ["FREIGHT_REFUND", "OUTBOUND_FREIGHT"]


async def test_an_exchange_ships_with_its_outbound_freight(api: Api) -> None:
    await api.setup_seller()
    o = await api.received()
    done = await api.do(o["id"], "process", api.staff("both"), {"outcome": "EXCHANGE", "sku": "S2"})
    xo = done["exchanges"][0]["id"]
    body = {"shipped_at": "2026-12-01T10:00:00+08:00", "tracking_no": "JD1", "freight": "7.00"}
    r = await api.client.post(f"/v1/exchange-orders/{xo}/shipped", json=body, headers=api.agent)
    assert r.status_code == 200, r.text
    assert r.json()["exchanges"][0]["freight"] == "7.00"
    processed = await api.tap.wait_for(
        lambda m: m["type"] == "serviceorder.processed" and m["payload"]["order_id"] == o["id"]
    )
    assert movements(processed) == [("FREIGHT_REFUND", "12.00", "SELLER", "CUSTOMER")]
    shipped = await api.tap.wait_for(
        lambda m: (
            m["type"] == "serviceorder.exchange_shipped" and m["payload"]["order_id"] == o["id"]
        )
    )
    assert movements(shipped) == [("OUTBOUND_FREIGHT", "7.00", "SELLER", "PLATFORM")]


async def test_pre_compensation_pays_exactly_the_recorded_share(
    api: Api, amqp_url: str, namespace: str
) -> None:
    await api.setup_seller()
    order_no = f"JD-{api.unique}"
    await api.place_order(order_no, [("SKU-1", 3, "100.00")])
    o = await api.apply(order_no=order_no, paid_amount="33.33")
    bus = Bus(url=amqp_url, namespace=namespace, service="timer-svc")
    await bus.connect()
    try:
        did = f"{o['id']}:PRE_COMPENSATION@v1"
        for _ in range(2):
            await fire(bus, api.seller, order_id=o["id"], kind="PRE_COMPENSATION", deadline_id=did)
        event = await api.tap.wait_for(
            lambda m: (
                m["type"] == "serviceorder.pre_compensated" and m["payload"]["order_id"] == o["id"]
            )
        )
    finally:
        await bus.close()
    assert movements(event) == [("PRE_COMPENSATION", "33.33", "SELLER", "CUSTOMER")]
    assert (await api.get(o["id"]))["refund_amount"] == "33.33"


async def test_the_auto_refund_pays_exactly_the_recorded_share(
    api: Api, amqp_url: str, namespace: str
) -> None:
    await api.setup_seller()
    order_no = f"JD-{api.unique}"
    await api.place_order(order_no, [("SKU-1", 3, "100.00")])
    o = await api.apply(order_no=order_no, quantity=2, paid_amount="66.66")
    assert o["paid_amount"] == "66.66"
    both = api.staff("both")
    await api.do(o["id"], "claim", both)
    await api.do(o["id"], "audit", both, {"result": "APPROVE_RETURN"})
    await api.do(o["id"], "shipment", api.me, {"carrier": "SF", "tracking_no": "T1"})
    armed = await api.tap.wait_for_armed("AUTO_REFUND", o["id"])
    bus = Bus(url=amqp_url, namespace=namespace, service="timer-svc")
    await bus.connect()
    try:
        did = armed["deadline_id"]
        await fire(bus, api.seller, order_id=o["id"], kind="AUTO_REFUND", deadline_id=did)
        event = await api.tap.wait_for(
            lambda m: (
                m["type"] == "serviceorder.auto_refunded" and m["payload"]["order_id"] == o["id"]
            )
        )
    finally:
        await bus.close()
    assert movements(event) == [("AUTO_REFUND", "66.66", "SELLER", "CUSTOMER")]
    assert (await api.get(o["id"]))["refund_amount"] == "66.66"
