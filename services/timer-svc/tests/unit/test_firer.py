"""The firer's pipeline against an in-memory store and bus: failures leave deadlines to retry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope
from timer_svc.domain.deadlines import Deadline
from timer_svc.handlers.firing_loop import Firer, FiringSettings
from timer_svc.ports import Claim

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class MemoryStore:
    """Just enough of the deadline store for the firer: pending, leases, fired.

    `tests/integration/test_deadline_store_contract.py` runs the same tests against it and
    against MongoDeadlineStore, so it cannot drift from the real store."""

    def __init__(self, deadlines: Iterable[Deadline]) -> None:
        self.pending = {d.deadline_id: d for d in deadlines}
        self.leases: dict[str, tuple[str, datetime]] = {}
        self.fired: list[str] = []
        self.fail_claims = 0

    async def claim(
        self, *, due_by: datetime, wall: datetime, lease: timedelta, limit: int
    ) -> Claim | None:
        if self.fail_claims:
            self.fail_claims -= 1
            raise ConnectionError("store down")
        free = sorted(
            (
                d
                for d in self.pending.values()
                if d.due <= due_by and self.leases.get(d.deadline_id, ("", NEVER))[1] < wall
            ),
            key=lambda d: d.due,
        )[:limit]
        if not free:
            return None
        token = f"t{len(self.leases)}"
        for d in free:
            self.leases[d.deadline_id] = (token, wall + lease)
        return Claim(token=token, deadlines=free, lease_until=wall + lease)

    async def mark_fired(self, claim: Claim, ids: Sequence[str], *, fired_at: datetime) -> int:
        held = {i for i, (token, _) in self.leases.items() if token == claim.token}
        mine = [i for i in ids if i in self.pending and i in held]
        for i in mine:
            del self.pending[i]
            self.fired.append(i)
        return len(mine)

    async def any_due(self, *, due_by: datetime) -> bool:
        return any(d.due <= due_by for d in self.pending.values())

    async def pending_count(self) -> int:
        return len(self.pending)


class MemoryBus:
    def __init__(self, *, refuse: set[str] | None = None) -> None:
        self.published: list[Envelope] = []
        self.refuse = refuse or set()

    async def publish_many(self, messages: Iterable[Envelope]) -> list[BaseException | None]:
        results: list[BaseException | None] = []
        for message in messages:
            if message.payload["deadline_id"] in self.refuse:
                results.append(TimeoutError("no confirm"))
            else:
                self.published.append(message)
                results.append(None)
        await asyncio.sleep(0)
        return results


def deadlines(n: int) -> list[Deadline]:
    return [
        Deadline(
            deadline_id=f"d{i:02}",
            kind="AUTO_REFUND",
            order_id="o",
            due=T0 - timedelta(seconds=n - i),
        )
        for i in range(n)
    ]


def firer(store: MemoryStore, bus: MemoryBus, clock: FixedClock) -> Firer:
    return Firer(
        store=store,
        bus=bus,
        clock=clock,
        wall=clock,  # type: ignore[arg-type]
        settings=FiringSettings(batch=3, lease_s=10),
    )


async def test_batches_are_published_in_due_order_and_all_marked() -> None:
    store, bus, clock = MemoryStore(deadlines(10)), MemoryBus(), FixedClock(T0)
    assert await firer(store, bus, clock).drain(due_by=T0, trigger="u") == 10
    assert [m.payload["deadline_id"] for m in bus.published] == [f"d{i:02}" for i in range(10)]
    assert store.fired == [f"d{i:02}" for i in range(10)]


async def test_an_unconfirmed_firing_is_not_marked_and_fires_after_the_lease() -> None:
    store, clock = MemoryStore(deadlines(4)), FixedClock(T0)
    bus = MemoryBus(refuse={"d02"})
    assert await firer(store, bus, clock).drain(due_by=T0, trigger="u") == 3
    assert list(store.pending) == ["d02"]
    bus.refuse.clear()
    assert await firer(store, bus, clock).drain(due_by=T0, trigger="u") == 0  # leased
    clock.advance(11)
    assert await firer(store, bus, clock).drain(due_by=T0, trigger="u") == 1
    ids = [m.id for m in bus.published if m.payload["deadline_id"] == "d02"]
    assert len(ids) == 1
    assert store.fired[-1] == "d02"


async def test_a_store_failure_surfaces_without_hanging() -> None:
    store, bus, clock = MemoryStore(deadlines(4)), MemoryBus(), FixedClock(T0)
    store.fail_claims = 1
    with pytest.raises(ConnectionError):
        await asyncio.wait_for(firer(store, bus, clock).drain(due_by=None, trigger="u"), 5)
    assert await firer(store, bus, clock).drain(due_by=None, trigger="u") == 4


async def test_advance_waits_until_nothing_due_remains() -> None:
    store, bus, clock = MemoryStore(deadlines(5)), MemoryBus(), FixedClock(T0)
    assert await firer(store, bus, clock).fire_until(due_by=T0, timeout_s=5) == 5
    assert not await store.any_due(due_by=T0)


async def test_advance_counts_every_firing_of_its_jump_with_the_loop_running() -> None:
    future = [
        Deadline(
            deadline_id=f"f{i}", kind="AUTO_REFUND", order_id="o", due=T0 + timedelta(seconds=i)
        )
        for i in range(1, 6)
    ]
    store, bus, clock = MemoryStore(future), MemoryBus(), FixedClock(T0)
    running = firer(store, bus, clock)
    running.start()

    async def move() -> datetime:
        clock.advance(3600)
        running.wake(clock.now())  # a deadline armed meanwhile wakes the loop at once
        for _ in range(100):  # the room a busy process gives the loop between jump and firing
            await asyncio.sleep(0)
        return clock.now()

    try:
        assert await running.advance(move=move, timeout_s=5) == 5
    finally:
        await running.stop()
    assert sorted(store.fired) == [d.deadline_id for d in future]
