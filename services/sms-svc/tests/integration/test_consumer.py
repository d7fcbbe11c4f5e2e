"""sms-svc's consumer on the real broker: a malformed staff change is dead-lettered after one
delivery; a malformed `sms.send` is recorded REJECTED instead (test_consume.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import Envelope
from aftersales_testkit import eventually
from aftersales_testkit.helpers import depth, drain

from .conftest import StartSms
from .test_staff_scope import announce, staff_changes_handled

pytestmark = pytest.mark.integration


async def test_a_malformed_staff_change_is_dead_lettered_after_one_delivery(
    start_sms: StartSms, amqp_url: str, unique: str
) -> None:
    async with start_sms(bus_max_retries=3) as sms:
        topology = sms.runtime.bus.topology
        bad = Envelope.model_validate(
            {
                "id": f"{unique}-bad",
                "type": "seller.staff_changed",
                "occurred_at": datetime.now(UTC),
                "seller_id": "seller-1",
                "correlation_id": unique,
                "payload": {
                    "seller_id": "seller-1",
                    "staff_id": "ann",
                },  # no categories, no version
            }
        )
        before = staff_changes_handled()
        await sms.runtime.bus.publish(bad)
        await announce(sms, "seller-1", "bob", "laptops", version=1)
        dlq = topology.dead_letter_queue("sms-svc")

        async def dead_lettered() -> bool:
            return await depth(amqp_url, dlq) >= 1

        async def good_one_handled() -> bool:
            return staff_changes_handled() > before

        await eventually(dead_lettered, what="the malformed staff change in the DLQ")
        await eventually(good_one_handled, what="the valid staff change handled after it")
        [dead] = await drain(amqp_url, dlq)
        headers = dead.headers or {}
        assert dead.message_id == f"{unique}-bad"
        assert "x-attempts" not in headers, "dead-lettered with no retry"
        assert "validation error" in str(headers["x-failure-reason"])
        assert await depth(amqp_url, topology.retry_queue("sms-svc")) == 0
