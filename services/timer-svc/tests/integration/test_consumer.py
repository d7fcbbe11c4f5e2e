"""The consumer on the real broker: a malformed command is dead-lettered after one delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerSchedule
from aftersales_shared.messaging import Bus
from aftersales_testkit import eventually
from aftersales_testkit.helpers import depth, drain
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.entrypoints.consumer import consumer
from timer_svc.handlers.commands import DeadlineCommands

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def consuming(
    amqp_url: str, namespace: str, store: MongoDeadlineStore
) -> AsyncIterator[tuple[Bus, list[datetime]]]:
    """timer-svc's consumer on its queue, retries fast (so a retry would show within the test)."""
    armed: list[datetime] = []
    bus = Bus(
        url=amqp_url, namespace=namespace, service="timer-svc", max_retries=3, retry_delay_ms=50
    )
    await bus.connect()

    async def no_sync() -> None:
        return None

    commands = DeadlineCommands(store=store, clock=FixedClock(T0), on_armed=armed.append)
    await bus.consume(consumer(commands, on_sync_requested=no_sync))
    yield bus, armed
    await bus.close()


async def test_a_malformed_schedule_is_dead_lettered_after_one_delivery(
    amqp_url: str,
    consuming: tuple[Bus, list[datetime]],
    store: MongoDeadlineStore,
    unique: str,
) -> None:
    bus, armed = consuming
    good = TimerSchedule(
        deadline_id=f"{unique}-good", kind="AUTO_REFUND", order_id="o-1", due_at=T0 + timedelta(1)
    )
    bad = Envelope(
        id=f"{unique}-bad",
        type="timer.schedule",
        occurred_at=T0,
        correlation_id=unique,
        payload={"deadline_id": f"{unique}-bad", "kind": "AUTO_REFUND"},  # no order, no due_at
    )
    await bus.publish(bad)
    await bus.publish(
        envelope(type="timer.schedule", payload=good, occurred_at=T0, seller_id="s-1")
    )
    dlq = bus.topology.dead_letter_queue("timer-svc")

    async def dead_lettered() -> bool:
        return await depth(amqp_url, dlq) >= 1

    await eventually(dead_lettered, what="the malformed schedule in the DLQ")
    await eventually(lambda: _value(armed), what="the good schedule armed after it")
    [dead] = await drain(amqp_url, dlq)
    assert dead.message_id == f"{unique}-bad"
    assert "x-attempts" not in (dead.headers or {}), "dead-lettered with no retry"
    assert "validation error" in str((dead.headers or {})["x-failure-reason"])
    assert await depth(amqp_url, bus.topology.retry_queue("timer-svc")) == 0
    assert armed == [T0 + timedelta(1)]
    assert await store.collection.find_one({"_id": {"$eq": f"{unique}-bad"}}) is None


async def _value(items: list[datetime]) -> list[datetime] | None:
    return items or None
