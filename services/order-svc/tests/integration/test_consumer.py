"""order-svc applies arbitration rulings it receives from the real broker, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRuled
from aftersales_shared.messaging import Bus
from aftersales_testkit import eventually
from api_support import Api, fire

pytestmark = pytest.mark.integration


async def test_a_ruling_completes_and_unlocks_the_order_once(
    api: Api, amqp_url: str, namespace: str
) -> None:
    await api.setup_seller()
    o = await api.received()
    oid = o["id"]
    await api.do(oid, "arbitration", api.boss, {"reason": "disagree on the refund"})
    bus = Bus(url=amqp_url, namespace=namespace, service="arbitration-svc")
    await bus.connect()
    ruling = ArbitrationRuled(
        case_id="case-1",
        order_id=oid,
        outcome="REFUND",
        amount="150.00",
        note="partial refund",
        ruled_by="agent-7",
    )
    message = envelope(
        type="arbitration.ruled",
        payload=ruling,
        occurred_at=datetime.now(UTC),
        seller_id=api.seller,
    )
    await bus.publish(message)
    await bus.publish(message)

    async def completed() -> dict[str, object] | None:
        order = await api.get(oid)
        return order if order["status"] == "COMPLETED" else None

    order = await eventually(completed, timeout=60, what="ruling applied")
    await bus.close()
    assert order["locked"] is False
    assert order["refund_amount"] == "150.00"
    assert order["outcome"] == "REFUND"
    assert [h["command"] for h in order["history"]].count("APPLY_RULING") == 1
    event = await api.tap.wait_for(lambda m: m["type"] == "serviceorder.ruling_applied")
    assert event["payload"]["refund_amount"] == "150.00"


async def test_fired_deadlines_act_once_and_stale_ones_change_nothing(
    api: Api, amqp_url: str, namespace: str
) -> None:
    await api.setup_seller()
    o = await api.apply()
    oid = o["id"]
    armed = await api.tap.wait_for_armed("PRE_COMPENSATION", oid)
    assert armed["deadline_id"] == f"{oid}:PRE_COMPENSATION@v1"
    assert armed["data"]["order_version"] == 1
    bus = Bus(url=amqp_url, namespace=namespace, service="timer-svc")
    await bus.connect()
    await fire(
        bus, api.seller, order_id=oid, kind="PRE_COMPENSATION", deadline_id=f"{oid}:NOT_ARMED"
    )
    await fire(
        bus, api.seller, order_id=oid, kind="AUDIT_OVERDUE", deadline_id=f"{oid}:AUDIT_OVERDUE@v1"
    )

    async def overdue_recorded() -> bool:
        order = await api.get(oid)
        return any(h["command"] == "AUDIT_OVERDUE" for h in order["history"])

    # The firings travel on a queue handled concurrently: wait for the 12-hour one to be
    # applied so the 7-day one (which ends the audit clock) cannot overtake it.
    await eventually(overdue_recorded, timeout=60, what="audit overdue applied")
    await fire(
        bus,
        api.seller,
        order_id=oid,
        kind="PRE_COMPENSATION",
        deadline_id=f"{oid}:PRE_COMPENSATION@v1",
    )
    await fire(
        bus,
        api.seller,
        order_id=oid,
        kind="PRE_COMPENSATION",
        deadline_id=f"{oid}:PRE_COMPENSATION@v1",
    )

    async def compensated() -> dict[str, object] | None:
        order = await api.get(oid)
        return order if order["status"] == "PROVISIONALLY_DONE" else None

    order = await eventually(compensated, timeout=60, what="pre-compensation")
    await bus.close()
    assert order["outcome"] == "PRE_COMPENSATION"
    assert order["refund_amount"] == "199.00"
    commands = [h["command"] for h in order["history"]]
    assert commands.count("PRE_COMPENSATE") == 1
    assert commands.count("AUDIT_OVERDUE") == 1
    event = await api.tap.wait_for(lambda m: m["type"] == "serviceorder.pre_compensated")
    assert event["payload"]["charged_to_seller"] == "199.00"
    sms = await api.tap.wait_for(lambda m: m["type"] == "sms.send", service="sms-svc")
    assert sms["payload"]["template"] == "PRE_COMPENSATED"
