"""Every SMS of issue 5, end to end: order-svc decides, the broker carries, sms-svc delivers.

All five services run as processes (`running_stack`, CLOCK=virtual, shared by the session); each
message is read back from sms-svc's delivery log. Deadlines and the arbitration lock have their
own tests: here only the SMS they cause are checked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.messaging import Bus
from aftersales_testkit import bearer, eventually

from tests.e2e.conftest import AGENT, RunningStack
from tests.e2e.notify_flows import DAY, Flows

pytestmark = pytest.mark.e2e


@pytest.fixture
async def flows(running_stack: RunningStack, http: httpx.AsyncClient) -> Flows:
    f = Flows(stack=running_stack, http=http)
    await f.create_seller()
    return f


async def test_audit_sms_reach_the_customer(flows: Flows) -> None:
    rejected, approved, feedback = [await flows.apply() for _ in range(3)]
    opinion = "照片显示为人为损坏，不符合质量问题退货条件，请谅解。" * 2
    await flows.audited(rejected, "REJECT", opinion=opinion)
    await flows.audited(approved, "APPROVE_RETURN")
    await flows.audited(feedback, "REQUEST_FEEDBACK", opinion="请补充外包装照片")

    (m,) = await flows.sent(rejected, "AUDIT_REJECTED")
    assert m["phone"].endswith(rejected["customer_phone"])
    assert "商家意见：照片显示为人为损坏" in m["text"]
    assert m["text"].endswith("…")
    (m,) = await flows.sent(approved, "RETURN_APPROVED")
    assert "寄回商品" in m["text"]
    await flows.sent(feedback, "FEEDBACK_REQUESTED")


async def test_texts_always_fit_their_template(flows: Flows) -> None:
    """What order-svc accepts, sms-svc can send: a blank opinion, an order number's characters."""
    blank = await flows.apply()
    await flows.audited(blank, "REJECT", opinion="   ")
    (m,) = await flows.sent(blank, "AUDIT_REJECTED")
    assert "商家意见：您好,经核实" in m["text"]  # the default opinion stands in
    body = await flows.call("GET", f"/v1/service-orders/{blank['id']}", AGENT)
    assert body["status"] == "REJECTED"
    for order_no in ("JD 2026/0001", "J" * 33):
        r = await flows.http.post(
            flows.url("order-svc", "/v1/service-orders"),
            headers=bearer(Role.CUSTOMER, sub="c-bad"),
            json=flows.apply_body(order_no=order_no),
        )
        assert r.status_code == 422, r.text
        assert "order_no" in r.text


async def test_processing_sms_reach_the_customer(flows: Flows) -> None:
    refund, exchange, offline, reship, unresolved = [await flows.apply() for _ in range(5)]
    for order in (refund, exchange, offline, unresolved):
        await flows.received(order)
    await flows.cmd(
        refund, "process", outcome="REFUND", amount="150.50", reason="damaged", remark="partial"
    )
    await flows.cmd(exchange, "process", outcome="EXCHANGE", sku="SKU-1")
    assert (await flows.exchange_shipped(exchange)).status_code == 200
    offline_exchange = {"tracking_no": "YT9", "carrier": "YTO", "remark": "sent by the store"}
    await flows.cmd(offline, "process", outcome="OFFLINE_EXCHANGE", **offline_exchange)
    await flows.audited(reship, "RESHIP", reship_sku="SKU-1")
    assert (await flows.exchange_shipped(reship)).status_code == 200
    repeated = await flows.exchange_shipped(reship)  # order management reports it again
    assert repeated.status_code == 409, repeated.text
    await flows.cmd(unresolved, "process", outcome="RETURN_ORIGINAL", remark="no fault found")
    await flows.cmd(unresolved, "messages", who="customer", text="not what I asked for")
    await flows.cmd(unresolved, "resolve", offline_exchange=True, tracking_no="YT10")

    (m,) = [
        m
        for m in await flows.sent(refund, "RETURN_APPROVED", "REFUND_ISSUED")
        if m["template"] == "REFUND_ISSUED"
    ]
    assert "已退款150.50元" in m["text"]
    await flows.sent(exchange, "RETURN_APPROVED", "REPLACEMENT_SHIPPED")
    await flows.sent(offline, "RETURN_APPROVED", "REPLACEMENT_SHIPPED")
    await flows.sent(reship, "REPLACEMENT_SHIPPED")
    await flows.sent(unresolved, "RETURN_APPROVED", "REPLACEMENT_SHIPPED")


RULINGS = [
    ({"outcome": "REFUND", "amount": "120.00", "note": "half is fair"}, "结果：退款", []),
    (
        {"outcome": "EXCHANGE", "sku": "SKU-1", "note": "replace it"},
        "结果：换货",
        ["REPLACEMENT_SHIPPED"],
    ),
]


@pytest.mark.parametrize(("ruling", "shown", "then"), RULINGS, ids=["refund", "exchange"])
async def test_arbitration_ruling_reaches_the_customer(
    flows: Flows, ruling: dict[str, str], shown: str, then: list[str]
) -> None:
    order = await flows.apply(paid="300.00")
    await flows.received(order)
    await flows.cmd(order, "arbitration", reason="the customer damaged the goods")
    arbitration = flows.url("arbitration-svc", "/v1/cases")

    async def case() -> Any:
        r = await flows.http.get(arbitration, headers=AGENT, params={"seller_id": flows.seller})
        return next((c for c in r.json()["items"] if c["order_id"] == order["id"]), None)

    found = await eventually(case, timeout=120, what="the arbitration case")
    r = await flows.http.post(f"{arbitration}/{found['id']}/take", headers=AGENT)
    assert r.status_code == 200, r.text
    r = await flows.http.post(f"{arbitration}/{found['id']}/ruling", headers=AGENT, json=ruling)
    assert r.status_code == 200, r.text

    messages = await flows.sent(order, "RETURN_APPROVED", "ARBITRATION_RULED")
    (m,) = [m for m in messages if m["template"] == "ARBITRATION_RULED"]
    assert shown in m["text"]
    if then:  # the exchange order of an EXCHANGE ruling ships later
        assert (await flows.exchange_shipped(order)).status_code == 200
        await flows.sent(order, "RETURN_APPROVED", "ARBITRATION_RULED", *then)


async def advance_to(flows: Flows, target: float) -> None:
    """Moves the shared virtual clock to `target` (an offset in seconds), never backwards."""
    timer = flows.url("timer-svc", "/admin/clock")
    offset = (await flows.http.get(timer, headers=AGENT)).json()["offset_seconds"]
    if target > offset:
        r = await flows.http.post(
            f"{timer}/advance", headers=AGENT, json={"seconds": target - offset}
        )
        assert r.status_code == 200, r.text


async def test_deadline_sms_follow_the_virtual_clock(flows: Flows) -> None:
    clock = await flows.http.get(flows.url("timer-svc", "/admin/clock"), headers=AGENT)
    start = clock.json()["offset_seconds"]
    remind, warn, closed, precomp = [await flows.apply(paid="88.80") for _ in range(4)]
    await flows.audited(remind, "APPROVE_RETURN")
    once = {"Idempotency-Key": f"remind-{remind['id']}"} | flows.boss
    path = flows.url("order-svc", f"/v1/service-orders/{remind['id']}/ship-reminder")
    for _ in range(2):  # a repeated command (same key) replays the answer, sends nothing more
        assert (await flows.http.post(path, headers=once)).status_code == 200
    await flows.audited(warn, "APPROVE_RETURN")
    await flows.shipped_back(warn)
    await flows.audited(closed, "REQUEST_FEEDBACK", opinion="请补充照片")
    await flows.sent(remind, "RETURN_APPROVED", "SHIP_REMINDER")

    await advance_to(flows, start + 5 * DAY + 60)
    await flows.sent(remind, "RETURN_APPROVED", *["SHIP_REMINDER"] * 2)
    await advance_to(flows, start + 10 * DAY + 60)
    await flows.sent(remind, "RETURN_APPROVED", *["SHIP_REMINDER"] * 3)
    messages = await flows.sent(warn, "RETURN_APPROVED", "SELLER_RETURN_WARNING")
    (m,) = [m for m in messages if m["template"] == "SELLER_RETURN_WARNING"]
    assert m["phone"].endswith(flows.seller_phone)
    assert "5天内" in m["text"]
    messages = await flows.sent(precomp, "PRE_COMPENSATED")
    assert "先行赔付88.80元" in messages[0]["text"]
    await advance_to(flows, start + 15 * DAY + 60)
    messages = await flows.sent(warn, "RETURN_APPROVED", "SELLER_RETURN_WARNING", "AUTO_REFUNDED")
    (m,) = [m for m in messages if m["template"] == "AUTO_REFUNDED"]
    assert "退款88.80元" in m["text"]
    assert m["phone"].endswith(warn["customer_phone"])
    await flows.sent(closed, "FEEDBACK_REQUESTED", "ORDER_CLOSED")
    await advance_to(flows, start + 25 * DAY + 60)
    messages = await flows.sent(remind, "RETURN_APPROVED", *["SHIP_REMINDER"] * 4)
    assert {m["phone"][-11:] for m in messages} == {remind["customer_phone"]}


async def test_sellers_see_their_own_masked_and_a_redelivery_sends_once(
    flows: Flows, amqp_url: str
) -> None:
    order = await flows.apply()
    await flows.audited(order, "APPROVE_RETURN")
    (m,) = await flows.sent(order, "RETURN_APPROVED")
    digits = order["customer_phone"]

    (mine,) = await flows.messages(flows.boss, order_id=order["id"])
    assert mine["phone"] == f"{digits[:3]}****{digits[-4:]}"
    assert digits not in str(mine)
    assert all(x["seller_id"] == flows.seller for x in await flows.messages(flows.boss))
    other = bearer(Role.SELLER_ADMIN, sub="boss-x", seller_id=f"{flows.seller}-other")
    assert await flows.messages(other, order_id=order["id"]) == []
    one = flows.url("sms-svc", f"/v1/messages/{m['id']}")
    assert (await flows.http.get(one, headers=other)).status_code == 404

    bus = Bus(
        url=amqp_url, namespace=flows.stack.namespace, service="order-svc", retry_delay_ms=200
    )
    await bus.connect()
    try:
        again = SmsSend(
            recipient=m["phone"],
            template="RETURN_APPROVED",
            params={"order_no": order["order_no"]},
            order_id=order["id"],
            idempotency_key=m["idempotency_key"],
        )
        marker = await flows.apply()
        fresh = {"order_id": marker["id"], "idempotency_key": marker["id"]}
        after = again.model_copy(update=fresh | {"params": {"order_no": marker["order_no"]}})
        for payload in (again, again, after):  # redelivered twice, then a fresh command
            await bus.publish(
                envelope(
                    type="sms.send",
                    payload=payload,
                    occurred_at=datetime.now(UTC),
                    seller_id=flows.seller,
                )
            )
    finally:
        await bus.close()
    await flows.sent(marker, "RETURN_APPROVED")
    (same,) = await flows.messages(AGENT, order_id=order["id"])
    assert same["id"] == m["id"]
    assert len(same["attempts"]) == len(m["attempts"])
    log = (flows.stack.logs / "sms-svc.log").read_text()
    assert f"{digits[:3]}****{digits[-4:]}" in log
    assert digits not in log
