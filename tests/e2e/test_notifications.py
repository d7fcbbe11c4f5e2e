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
from aftersales_shared.bus import Bus
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.testing import bearer, eventually

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
    assert "商家意见：照片显示为人为损坏" in m["text"] and m["text"].endswith("…")
    (m,) = await flows.sent(approved, "RETURN_APPROVED")
    assert "寄回商品" in m["text"]
    await flows.sent(feedback, "FEEDBACK_REQUESTED")


async def test_processing_sms_reach_the_customer(flows: Flows) -> None:
    refund, exchange, offline, reship, unresolved = [await flows.apply() for _ in range(5)]
    for order in (refund, exchange, offline, unresolved):
        await flows.received(order)
    await flows.cmd(
        refund, "process", outcome="REFUND", amount="150.50", reason="damaged", remark="partial"
    )
    await flows.cmd(exchange, "process", outcome="EXCHANGE", sku="SKU-1")
    await flows.exchange_shipped(exchange)
    offline_exchange = {"tracking_no": "YT9", "carrier": "YTO", "remark": "sent by the store"}
    await flows.cmd(offline, "process", outcome="OFFLINE_EXCHANGE", **offline_exchange)
    await flows.audited(reship, "RESHIP", reship_sku="SKU-1")
    await flows.exchange_shipped(reship)
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


async def test_arbitration_ruling_reaches_the_customer(flows: Flows) -> None:
    order = await flows.apply(paid="300.00")
    await flows.received(order)
    await flows.cmd(order, "arbitration", reason="the customer damaged the goods")
    arbitration = flows.url("arbitration-svc", "/v1/cases")

    async def case() -> Any:
        r = await flows.http.get(arbitration, headers=AGENT, params={"seller_id": flows.seller})
        return next((c for c in r.json()["items"] if c["order_id"] == order["id"]), None)

    found = await eventually(case, timeout=30, what="the arbitration case")
    ruling = {"outcome": "REFUND", "amount": "120.00", "note": "half is fair"}
    r = await flows.http.post(f"{arbitration}/{found['id']}/take", headers=AGENT)
    assert r.status_code == 200, r.text
    r = await flows.http.post(f"{arbitration}/{found['id']}/ruling", headers=AGENT, json=ruling)
    assert r.status_code == 200, r.text

    messages = await flows.sent(order, "RETURN_APPROVED", "ARBITRATION_RULED")
    (m,) = [m for m in messages if m["template"] == "ARBITRATION_RULED"]
    assert "结果：退款" in m["text"]
