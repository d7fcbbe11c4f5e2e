"""order-svc applies arbitration rulings it receives from the real broker, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.bus import Bus
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRuled
from aftersales_shared.testing import eventually
from api_support import Api

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

    order = await eventually(completed, timeout=10, what="ruling applied")
    await bus.close()
    assert order["locked"] is False
    assert order["refund_amount"] == "150.00"
    assert order["outcome"] == "REFUND"
    assert [h["command"] for h in order["history"]].count("APPLY_RULING") == 1
    event = await api.tap.wait_for(lambda m: m["type"] == "serviceorder.ruling_applied")
    assert event["payload"]["refund_amount"] == "150.00"
