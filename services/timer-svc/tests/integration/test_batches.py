"""timer.batch: one write's schedules and cancels in one message, each step as its own message
would be handled, in the batch's order, against the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerBatch, TimerCancel, TimerSchedule
from aftersales_shared.messaging import Received
from pydantic import ValidationError
from timer_svc.adapters.deadline_docs import to_ms
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.entrypoints.consumer import consumer
from timer_svc.handlers.commands import DeadlineCommands

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


class Batches:
    def __init__(self, store: MongoDeadlineStore) -> None:
        self.armed: list[datetime] = []
        self.store = store
        commands = DeadlineCommands(store=store, clock=FixedClock(T0), on_armed=self.armed.append)
        self.router = consumer(commands, on_sync_requested=_never)

    async def send(self, order_id: str, *steps: TimerSchedule | TimerCancel) -> Envelope:
        message = envelope(
            type="timer.batch",
            payload=TimerBatch(order_id=order_id, steps=steps),
            occurred_at=T0,
            seller_id="s-1",
            correlation_id="c-batch",
        )
        await self.router(Received(message, attempts=0))
        return message

    async def doc(self, deadline_id: str) -> dict[str, object]:
        found = await self.store.collection.find_one({"_id": {"$eq": deadline_id}})
        assert found is not None
        return found


async def _never() -> None:
    raise AssertionError("no clock sync expected")


def arm(deadline_id: str, order_id: str, due: datetime) -> TimerSchedule:
    return TimerSchedule(deadline_id=deadline_id, kind="AUTO_REFUND", order_id=order_id, due_at=due)


@pytest.fixture
def batches(store: MongoDeadlineStore) -> Batches:
    return Batches(store)


async def test_the_steps_apply_in_their_order(batches: Batches, unique: str) -> None:
    order, a, b = f"{unique}-o", f"{unique}-a", f"{unique}-b"
    await batches.send(
        order, arm(a, order, T0 + DAY), arm(b, order, T0 + 2 * DAY), TimerCancel(deadline_id=a)
    )
    assert (await batches.doc(a))["state"] == "cancelled"
    doc = await batches.doc(b)
    assert (doc["state"], doc["due_ms"]) == ("pending", to_ms(T0 + 2 * DAY))
    assert doc["seller_id"] == "s-1"  # the envelope's, as for a timer.schedule of its own
    assert doc["correlation_id"] == "c-batch"
    assert batches.armed == [T0 + DAY, T0 + 2 * DAY]
    assert await batches.store.pending_count() == 1


async def test_a_batch_handled_twice_changes_nothing_the_second_time(
    batches: Batches, unique: str
) -> None:
    order, a, b = f"{unique}-o", f"{unique}-a", f"{unique}-b"
    steps = (TimerCancel(deadline_id=a), arm(b, order, T0 + DAY))
    await batches.send(order, arm(a, order, T0 + DAY))
    await batches.send(order, *steps)
    await batches.send(order, *steps)  # a redelivery after a crash before the ack
    assert (await batches.doc(a))["state"] == "cancelled"
    assert (await batches.doc(b))["state"] == "pending"
    assert await batches.store.pending_count() == 1
    assert batches.armed == [T0 + DAY, T0 + DAY]  # b armed once; the repeat kept it


async def test_a_cancel_before_its_own_schedule_wins_as_it_does_in_two_messages(
    batches: Batches, unique: str
) -> None:
    order, a = f"{unique}-o", f"{unique}-a"
    await batches.send(order, TimerCancel(deadline_id=a), arm(a, order, T0 + DAY))
    assert (await batches.doc(a))["state"] == "cancelled"
    assert await batches.store.pending_count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"order_id": "o", "steps": []},
        {"order_id": "o", "steps": [{"deadline_id": ""}]},
        {"order_id": "o", "steps": [{"deadline_id": "d", "kind": "AUTO_REFUND"}]},
        {"order_id": "o", "steps": [{"deadline_id": "d"}] * 101},
    ],
)
async def test_an_invalid_batch_is_dead_lettered_at_once(
    batches: Batches, payload: dict[str, object]
) -> None:
    bad = Envelope(id="x", type="timer.batch", occurred_at=T0, correlation_id="x", payload=payload)
    with pytest.raises(ValidationError):  # the bus dead-letters it at once (test_consumer.py)
        await batches.router(Received(bad, attempts=0))
    assert batches.armed == []
