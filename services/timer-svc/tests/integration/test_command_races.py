"""Commands about one deadline that race: every interleaving of their store operations.

The store operations of two commands run one at a time in an order the test dictates (a gate
in front of the real store), so each interleaving is played for real, not left to chance.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import (
    TimerCancel,
    TimerResume,
    TimerSchedule,
    TimerSuspend,
)
from aftersales_shared.messaging import Received
from aftersales_shared.persistence import Doc
from pymongo.asynchronous.database import AsyncDatabase
from timer_svc.adapters.deadline_docs import to_ms
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.entrypoints.consumer import consumer
from timer_svc.handlers.commands import DeadlineCommands

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = T0 + timedelta(days=1)
ACTOR: ContextVar[str] = ContextVar("actor", default="test")
GATED = {"find_one", "insert_one", "update_one", "update_many", "bulk_write", "delete_one"}
STEPS = 8
"""Longer than any pair of commands' store operations: every interleaving is among the orders."""


class Turns:
    """Who may run the next store operation: the head of `order`; an exhausted order lets all."""

    def __init__(self, order: tuple[str, ...]) -> None:
        self._order = list(order)
        self._finished: set[str] = set()
        self._changed = asyncio.Condition()

    def _may(self, actor: str) -> bool:
        while self._order and self._order[0] in self._finished:
            self._order.pop(0)
        return not self._order or self._order[0] == actor or actor == "test"

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        actor = ACTOR.get()
        async with self._changed:
            await self._changed.wait_for(lambda: self._may(actor))
        try:
            yield
        finally:
            async with self._changed:
                if self._order and self._order[0] == actor:
                    self._order.pop(0)
                self._changed.notify_all()

    async def finished(self, actor: str) -> None:
        async with self._changed:
            self._finished.add(actor)
            self._changed.notify_all()


class GatedCursor:
    def __init__(self, cursor: Any, turns: Turns) -> None:
        self._cursor, self._turns = cursor, turns

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._cursor, name)
        if name == "to_list":

            async def to_list(*args: Any, **kwargs: Any) -> Any:
                async with self._turns.turn():
                    return await attr(*args, **kwargs)

            return to_list
        return lambda *args, **kwargs: GatedCursor(attr(*args, **kwargs), self._turns)


class GatedCollection:
    def __init__(self, collection: Any, turns: Turns) -> None:
        self._collection, self._turns = collection, turns

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if name == "find":
            return lambda *args, **kwargs: GatedCursor(attr(*args, **kwargs), self._turns)
        if name not in GATED:
            return attr

        async def gated(*args: Any, **kwargs: Any) -> Any:
            async with self._turns.turn():
                return await attr(*args, **kwargs)

        return gated


class GatedDb:
    def __init__(self, db: AsyncDatabase[Doc], turns: Turns) -> None:
        self._db, self._turns = db, turns

    def __getitem__(self, name: str) -> GatedCollection:
        return GatedCollection(self._db[name], self._turns)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


async def _never() -> None:
    raise AssertionError("no clock sync expected")


def orders(*actors: str) -> Iterator[tuple[str, ...]]:
    return itertools.product(actors, repeat=STEPS)


async def race(
    db: AsyncDatabase[Doc], order: tuple[str, ...], commands: dict[str, Any]
) -> MongoDeadlineStore:
    """Run the commands at once, their store operations in `order`; the store they used."""
    turns = Turns(order)
    store = MongoDeadlineStore(cast(AsyncDatabase[Doc], GatedDb(db, turns)))
    use_cases = DeadlineCommands(store=store, clock=FixedClock(T0), on_armed=lambda _: None)
    router = consumer(use_cases, on_sync_requested=_never)

    async def play(actor: str, message: Any) -> None:
        ACTOR.set(actor)
        try:
            await router(Received(message, attempts=0))
        finally:
            await turns.finished(actor)

    await asyncio.gather(*(play(actor, m) for actor, m in commands.items()))
    return store


def schedule(deadline_id: str, order_id: str) -> Any:
    payload = TimerSchedule(
        deadline_id=deadline_id, kind="AUTO_REFUND", order_id=order_id, due_at=DUE
    )
    return envelope(type="timer.schedule", payload=payload, occurred_at=T0, seller_id="s-1")


def cancel(deadline_id: str) -> Any:
    payload = TimerCancel(deadline_id=deadline_id)
    return envelope(type="timer.cancel", payload=payload, occurred_at=T0, seller_id="s-1")


def suspend(order_id: str) -> Any:
    payload = TimerSuspend(order_id=order_id)
    return envelope(type="timer.suspend", payload=payload, occurred_at=T0, seller_id="s-1")


def resume(order_id: str) -> Any:
    payload = TimerResume(order_id=order_id)
    return envelope(type="timer.resume", payload=payload, occurred_at=T0, seller_id="s-1")


async def state_of(db: AsyncDatabase[Doc], deadline_id: str) -> Doc:
    found = await db["deadlines"].find_one({"_id": {"$eq": deadline_id}})
    assert found is not None
    return found


async def every_order(
    db: AsyncDatabase[Doc],
    actors: tuple[str, ...],
    play: Callable[[tuple[str, ...], str], Awaitable[None]],
) -> int:
    """Play each interleaving on a deadline of its own; how many were played."""
    played = 0
    for n, order in enumerate(orders(*actors)):
        await play(order, f"d{n}")
        played += 1
    return played


async def test_a_cancel_wins_over_its_schedule_in_every_interleaving(
    db: AsyncDatabase[Doc],
) -> None:
    async def play(order: tuple[str, ...], d: str) -> None:
        store = await race(db, order, {"cancel": cancel(d), "schedule": schedule(d, f"o-{d}")})
        doc = await state_of(db, d)
        assert doc["state"] == "cancelled", (order, doc)
        assert "next_ms" not in doc, (order, doc)
        assert not await store.any_due(due_by=DUE + timedelta(days=30))

    assert await every_order(db, ("cancel", "schedule"), play) == 2**STEPS


async def test_a_suspension_holds_a_deadline_scheduled_meanwhile(db: AsyncDatabase[Doc]) -> None:
    async def play(order: tuple[str, ...], d: str) -> None:
        await race(db, order, {"suspend": suspend(f"o-{d}"), "schedule": schedule(d, f"o-{d}")})
        doc = await state_of(db, d)
        assert doc["state"] == "suspended", (order, doc)
        assert "next_ms" not in doc, (order, doc)

    assert await every_order(db, ("suspend", "schedule"), play) == 2**STEPS


async def test_a_resume_frees_a_deadline_scheduled_meanwhile(db: AsyncDatabase[Doc]) -> None:
    async def play(order: tuple[str, ...], d: str) -> None:
        await race(db, (), {"suspend": suspend(f"o-{d}")})
        await race(db, order, {"resume": resume(f"o-{d}"), "schedule": schedule(d, f"o-{d}")})
        doc = await state_of(db, d)
        assert doc["state"] == "pending", (order, doc)
        assert doc["next_ms"] == doc["due_ms"] == to_ms(DUE), (order, doc)

    assert await every_order(db, ("resume", "schedule"), play) == 2**STEPS
