"""schedule / cancel / batch / suspend / resume against the real store: each idempotent. A
`timer.batch` is one write's schedules and cancels, each step handled as its own message would
be, in the batch's order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import (
    TimerBatch,
    TimerCancel,
    TimerResume,
    TimerSchedule,
    TimerSuspend,
)
from aftersales_shared.messaging import Received
from pydantic import ValidationError
from timer_svc.adapters.deadline_docs import from_ms, to_ms
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.entrypoints.consumer import consumer
from timer_svc.handlers.commands import DeadlineCommands

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


class Commands:
    def __init__(self, store: MongoDeadlineStore, clock: FixedClock) -> None:
        self.armed: list[datetime] = []
        self.store = store
        self.clock = clock
        commands = DeadlineCommands(store=store, clock=clock, on_armed=self.armed.append)
        self.router = consumer(commands, on_sync_requested=_never)

    async def send(self, message: Envelope) -> None:
        await self.router(Received(message, attempts=0))

    async def schedule(self, deadline_id: str, order_id: str, due: datetime) -> None:
        payload = TimerSchedule(
            deadline_id=deadline_id, kind="AUTO_REFUND", order_id=order_id, due_at=due
        )
        await self.send(
            envelope(type="timer.schedule", payload=payload, occurred_at=T0, seller_id="s-1")
        )

    async def cancel(self, deadline_id: str) -> None:
        payload = TimerCancel(deadline_id=deadline_id)
        await self.send(
            envelope(type="timer.cancel", payload=payload, occurred_at=T0, seller_id="s-1")
        )

    async def batch(self, order_id: str, *steps: TimerSchedule | TimerCancel) -> None:
        payload = TimerBatch(order_id=order_id, steps=steps)
        await self.send(
            envelope(
                type="timer.batch",
                payload=payload,
                occurred_at=T0,
                seller_id="s-1",
                correlation_id="c-batch",
            )
        )

    async def suspend(self, order_id: str) -> None:
        payload = TimerSuspend(order_id=order_id)
        await self.send(
            envelope(type="timer.suspend", payload=payload, occurred_at=T0, seller_id="s-1")
        )

    async def resume(self, order_id: str) -> None:
        payload = TimerResume(order_id=order_id)
        await self.send(
            envelope(type="timer.resume", payload=payload, occurred_at=T0, seller_id="s-1")
        )

    async def doc(self, deadline_id: str) -> dict[str, object]:
        found = await self.store.collection.find_one({"_id": {"$eq": deadline_id}})
        assert found is not None
        return found


async def _never() -> None:
    raise AssertionError("no clock sync expected")


@pytest.fixture
def commands(store: MongoDeadlineStore) -> Commands:
    return Commands(store, FixedClock(T0))


async def test_scheduling_the_same_deadline_twice_keeps_the_first(
    commands: Commands, unique: str
) -> None:
    await commands.schedule(f"{unique}-d", f"{unique}-o", T0 + DAY)
    await commands.schedule(f"{unique}-d", f"{unique}-o", T0 + 2 * DAY)
    doc = await commands.doc(f"{unique}-d")
    assert (doc["state"], doc["due_ms"]) == ("pending", to_ms(T0 + DAY))
    assert await commands.store.pending_count() == 1
    assert commands.armed == [T0 + DAY]


async def test_cancel_pending_then_again(commands: Commands, unique: str) -> None:
    await commands.schedule(f"{unique}-d", f"{unique}-o", T0 + DAY)
    await commands.cancel(f"{unique}-d")
    await commands.cancel(f"{unique}-d")
    assert (await commands.doc(f"{unique}-d"))["state"] == "cancelled"
    assert not await commands.store.any_due(due_by=T0 + 10 * DAY)
    assert await commands.store.pending_count() == 0


async def test_cancel_of_an_unknown_deadline_is_a_no_op_that_wins_over_a_late_schedule(
    commands: Commands, unique: str
) -> None:
    await commands.cancel(f"{unique}-d")
    await commands.schedule(f"{unique}-d", f"{unique}-o", T0 + DAY)
    assert (await commands.doc(f"{unique}-d"))["state"] == "cancelled"
    assert not await commands.store.any_due(due_by=T0 + 10 * DAY)


async def test_cancel_of_a_fired_deadline_is_a_no_op(commands: Commands, unique: str) -> None:
    await commands.schedule(f"{unique}-d", f"{unique}-o", T0 - DAY)
    claim = await commands.store.claim(
        due_by=T0, wall=from_ms(1), lease=timedelta(milliseconds=30_000), limit=10
    )
    assert claim is not None
    assert await commands.store.mark_fired(claim, [f"{unique}-d"], fired_at=T0) == 1
    await commands.cancel(f"{unique}-d")
    assert (await commands.doc(f"{unique}-d"))["state"] == "fired"


async def test_suspend_and_resume_preserve_the_remaining_time(
    commands: Commands, unique: str
) -> None:
    order = f"{unique}-o"
    await commands.schedule(f"{unique}-a", order, T0 + 10 * DAY)
    await commands.schedule(f"{unique}-b", order, T0 + 15 * DAY)
    await commands.schedule(f"{unique}-other", f"{unique}-x", T0 + 10 * DAY)
    commands.clock.advance(3 * 86_400)
    await commands.suspend(order)
    commands.clock.advance(86_400)
    await commands.suspend(order)  # again: the suspension still counts from the first
    assert (await commands.doc(f"{unique}-a"))["state"] == "suspended"
    assert await commands.store.pending_count() == 1
    commands.clock.advance(3 * 86_400)
    await commands.resume(order)
    commands.clock.advance(86_400)
    await commands.resume(order)  # again: nothing moves twice
    a, b = await commands.doc(f"{unique}-a"), await commands.doc(f"{unique}-b")
    assert (a["state"], a["due_ms"]) == ("pending", to_ms(T0 + 14 * DAY))
    assert (b["state"], b["due_ms"]) == ("pending", to_ms(T0 + 19 * DAY))
    other = await commands.doc(f"{unique}-other")
    assert other["due_ms"] == to_ms(T0 + 10 * DAY)


async def test_a_deadline_armed_while_its_order_is_suspended_waits_for_the_resume(
    commands: Commands, unique: str
) -> None:
    order = f"{unique}-o"
    await commands.suspend(order)
    await commands.schedule(f"{unique}-a", order, T0 + DAY)
    assert (await commands.doc(f"{unique}-a"))["state"] == "suspended"
    assert (
        await commands.store.claim(
            due_by=T0 + 5 * DAY, wall=from_ms(1), lease=timedelta(milliseconds=1_000), limit=10
        )
        is None
    )
    commands.clock.advance(2 * 86_400)
    await commands.resume(order)
    assert (await commands.doc(f"{unique}-a"))["due_ms"] == to_ms(T0 + 3 * DAY)


async def test_an_invalid_command_is_dead_lettered_at_once(commands: Commands) -> None:
    bad = Envelope(
        id="x", type="timer.cancel", occurred_at=T0, correlation_id="x", payload={"deadline_id": ""}
    )
    with pytest.raises(ValidationError):  # the bus dead-letters it at once (test_consumer.py)
        await commands.send(bad)


def arm(deadline_id: str, order_id: str, due: datetime) -> TimerSchedule:
    return TimerSchedule(deadline_id=deadline_id, kind="AUTO_REFUND", order_id=order_id, due_at=due)


async def test_a_batch_applies_its_steps_in_their_order(commands: Commands, unique: str) -> None:
    order, a, b = f"{unique}-o", f"{unique}-a", f"{unique}-b"
    cancel_a = TimerCancel(deadline_id=a)
    await commands.batch(order, arm(a, order, T0 + DAY), arm(b, order, T0 + 2 * DAY), cancel_a)
    assert (await commands.doc(a))["state"] == "cancelled"
    doc = await commands.doc(b)
    assert (doc["state"], doc["due_ms"]) == ("pending", to_ms(T0 + 2 * DAY))
    assert (doc["seller_id"], doc["correlation_id"]) == ("s-1", "c-batch")  # the envelope's
    assert commands.armed == [T0 + DAY, T0 + 2 * DAY]
    assert await commands.store.pending_count() == 1


async def test_a_batch_handled_twice_changes_nothing_the_second_time(
    commands: Commands, unique: str
) -> None:
    order, a, b = f"{unique}-o", f"{unique}-a", f"{unique}-b"
    steps = (TimerCancel(deadline_id=a), arm(b, order, T0 + DAY))
    await commands.batch(order, arm(a, order, T0 + DAY))
    await commands.batch(order, *steps)
    await commands.batch(order, *steps)  # a redelivery after a crash before the ack
    assert (await commands.doc(a))["state"] == "cancelled"
    assert (await commands.doc(b))["state"] == "pending"
    assert await commands.store.pending_count() == 1
    assert commands.armed == [T0 + DAY, T0 + DAY]  # b armed once; the repeat kept it


async def test_a_cancel_before_its_own_schedule_in_a_batch_wins_as_in_two_messages(
    commands: Commands, unique: str
) -> None:
    order, a = f"{unique}-o", f"{unique}-a"
    await commands.batch(order, TimerCancel(deadline_id=a), arm(a, order, T0 + DAY))
    assert (await commands.doc(a))["state"] == "cancelled"
    assert await commands.store.pending_count() == 0


@pytest.mark.parametrize(
    "steps",
    [
        [],
        [{"deadline_id": ""}],
        [{"deadline_id": "d", "kind": "AUTO_REFUND"}],
        [{"deadline_id": "d"}] * 101,
    ],
)
async def test_an_invalid_batch_is_dead_lettered_at_once(
    commands: Commands, steps: list[dict[str, str]]
) -> None:
    bad = Envelope(
        id="x",
        type="timer.batch",
        occurred_at=T0,
        correlation_id="x",
        payload={"order_id": "o", "steps": steps},
    )
    with pytest.raises(ValidationError):  # the bus dead-letters it at once (test_consumer.py)
        await commands.send(bad)
    assert commands.armed == []
