"""The firer's part of the DeadlineStore contract, run against the in-memory store of the firer's
unit tests (`tests/unit/test_firer.py: MemoryStore`) and against MongoDeadlineStore.

The firer's unit tests trust MemoryStore; these keep it from drifting from the real store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aftersales_testkit import scratch_db
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.domain.deadlines import Deadline

from ..unit.test_firer import T0, MemoryStore

NOW = T0
LEASE = timedelta(seconds=10)
MS = timedelta(milliseconds=1)
SECOND = timedelta(seconds=1)


@dataclass
class Subject:
    store: MemoryStore | MongoDeadlineStore
    seed: Callable[[Iterable[Deadline]], Awaitable[None]]


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.integration)])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "memory":
        memory = MemoryStore([])

        async def keep(deadlines: Iterable[Deadline]) -> None:
            memory.pending.update({d.deadline_id: d for d in deadlines})

        yield Subject(store=memory, seed=keep)
        return
    url, unique = request.getfixturevalue("mongo_url"), request.getfixturevalue("unique")
    async with scratch_db(url, f"test_{unique}") as db:
        mongo = MongoDeadlineStore(db)
        await mongo.ensure_indexes()

        async def schedule(deadlines: Iterable[Deadline]) -> None:
            for deadline in deadlines:
                assert await mongo.schedule(deadline, now=NOW)

        yield Subject(store=mongo, seed=schedule)


def due(*offsets_s: int) -> list[Deadline]:
    """Deadlines d0, d1, ... due `offset` seconds after T0 each."""
    return [
        Deadline(deadline_id=f"d{i}", kind="AUTO_REFUND", order_id="o", due=NOW + s * SECOND)
        for i, s in enumerate(offsets_s)
    ]


async def test_a_claim_takes_the_due_ones_in_due_order_up_to_its_limit(subject: Subject) -> None:
    await subject.seed(due(3, -5, 0, 60, -1))
    store = subject.store
    claim = await store.claim(due_by=NOW + 3 * SECOND, wall=NOW, lease=LEASE, limit=3)
    assert claim is not None
    assert [d.deadline_id for d in claim.deadlines] == ["d1", "d4", "d2"]
    assert claim.lease_until == NOW + LEASE
    again = await store.claim(due_by=NOW + 3 * SECOND, wall=NOW, lease=LEASE, limit=3)
    assert again is not None
    assert [d.deadline_id for d in again.deadlines] == ["d0"]  # the others are held
    assert await store.claim(due_by=NOW + 3 * SECOND, wall=NOW, lease=LEASE, limit=3) is None
    assert await store.pending_count() == 5


async def test_a_lease_ends_at_its_wall_clock_time(subject: Subject) -> None:
    await subject.seed(due(0))
    store = subject.store
    first = await store.claim(due_by=NOW, wall=NOW, lease=LEASE, limit=10)
    assert first is not None
    held = await store.claim(due_by=NOW, wall=NOW + LEASE - MS, lease=LEASE, limit=10)
    assert held is None
    assert await store.claim(due_by=NOW, wall=NOW + LEASE, lease=LEASE, limit=10) is None
    later = await store.claim(due_by=NOW, wall=NOW + LEASE + MS, lease=LEASE, limit=10)
    assert later is not None
    assert [d.deadline_id for d in later.deadlines] == ["d0"]
    assert await store.mark_fired(first, ["d0"], fired_at=NOW) == 0  # the lease moved on
    assert await store.mark_fired(later, ["d0"], fired_at=NOW) == 1


async def test_marking_fired_counts_only_what_the_claim_holds(subject: Subject) -> None:
    await subject.seed(due(-2, -1, 0))
    store = subject.store
    claim = await store.claim(due_by=NOW, wall=NOW, lease=LEASE, limit=2)
    assert claim is not None
    assert await store.mark_fired(claim, ["d0", "d2", "nope"], fired_at=NOW) == 1
    assert await store.mark_fired(claim, ["d0", "d1"], fired_at=NOW) == 1  # d0 is fired already
    assert await store.mark_fired(claim, [], fired_at=NOW) == 0
    assert await store.pending_count() == 1
    rest = await store.claim(due_by=NOW, wall=NOW + 2 * LEASE, lease=LEASE, limit=10)
    assert rest is not None
    assert [d.deadline_id for d in rest.deadlines] == ["d2"]


async def test_any_due_sees_held_deadlines_but_not_fired_ones(subject: Subject) -> None:
    store = subject.store
    assert not await store.any_due(due_by=NOW)
    assert await store.pending_count() == 0
    await subject.seed(due(0, 30))
    assert await store.any_due(due_by=NOW)
    assert not await store.any_due(due_by=NOW - MS)
    claim = await store.claim(due_by=NOW, wall=NOW, lease=LEASE, limit=10)
    assert claim is not None
    assert await store.any_due(due_by=NOW)  # held, not fired
    await store.mark_fired(claim, ["d0"], fired_at=NOW)
    assert not await store.any_due(due_by=NOW)
    assert await store.any_due(due_by=NOW + 30 * SECOND)
    assert await store.pending_count() == 1
