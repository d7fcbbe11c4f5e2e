"""Claiming with a lease, firing with confirms, marking in one write: against the real broker."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.messaging import Bus
from aftersales_testkit import eventually
from prometheus_client import REGISTRY
from timer_svc.adapters.deadline_docs import from_ms
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.domain.deadlines import Deadline, fired_message_id
from timer_svc.handlers.firing_loop import Firer, FiringSettings

from .conftest import FiredSink

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def deadline(deadline_id: str, *, due: datetime, order_id: str = "o") -> Deadline:
    return Deadline(
        deadline_id=deadline_id,
        kind="AUTO_REFUND",
        order_id=order_id,
        due=due,
        seller_id="s-1",
        correlation_id="c-1",
    )


def firer(store: MongoDeadlineStore, bus: Bus, clock: FixedClock, *, batch: int = 7) -> Firer:
    return Firer(
        store=store,
        bus=bus,
        clock=clock,
        wall=clock,
        settings=FiringSettings(batch=batch, lease_s=30),
    )


async def test_drain_fires_what_is_due_in_due_order_once(
    store: MongoDeadlineStore, bus: Bus, sink: FiredSink, unique: str
) -> None:
    offsets = [17, 3, 29, 11, 5, 23, 2, 19, 13, 7, 31, 1, 37, 41]  # minutes before T0
    for minutes in offsets:
        await store.schedule(
            deadline(f"{unique}-{minutes:02}", due=T0 - timedelta(minutes=minutes)), now=from_ms(0)
        )
    await store.schedule(deadline(f"{unique}-later", due=T0 + timedelta(seconds=1)), now=from_ms(0))
    before = _lateness_sum()
    clock = FixedClock(T0)
    fired = await firer(store, bus, clock).drain(due_by=T0, trigger="test")
    assert fired == len(offsets)
    expected = [f"{unique}-{m:02}" for m in sorted(offsets, reverse=True)]
    await eventually(lambda: _count(sink, len(expected)), what="all firings delivered")
    assert sink.deadline_ids() == expected
    assert _lateness_sum() - before == pytest.approx(sum(offsets) * 60)
    assert await firer(store, bus, clock).drain(due_by=T0, trigger="test") == 0
    assert await store.pending_count() == 1
    assert [m.id for m in sink.messages] == [fired_message_id(i, 0) for i in expected]


def _lateness_sum() -> float:
    value = REGISTRY.get_sample_value("timer_firing_lateness_seconds_sum", {"trigger": "test"})
    return value or 0.0


async def _count(sink: FiredSink, n: int) -> bool:
    return len(sink.messages) >= n


async def test_concurrent_claims_are_disjoint(store: MongoDeadlineStore, unique: str) -> None:
    for i in range(300):
        await store.schedule(deadline(f"{unique}-{i:03}", due=T0), now=from_ms(0))

    async def worker(replica: MongoDeadlineStore) -> list[str]:
        held: list[str] = []
        while claim := await replica.claim(
            due_by=T0, wall=from_ms(1_000), lease=timedelta(milliseconds=30_000), limit=40
        ):
            held += [d.deadline_id for d in claim.deadlines]
        return held

    replicas = [store, MongoDeadlineStore(store.db), MongoDeadlineStore(store.db)]
    results = await asyncio.gather(*(worker(r) for r in replicas))
    held = [i for result in results for i in result]
    assert sorted(held) == [f"{unique}-{i:03}" for i in range(300)]


async def test_an_expired_lease_is_taken_over_and_the_old_holder_marks_nothing(
    store: MongoDeadlineStore, unique: str
) -> None:
    for i in range(5):
        await store.schedule(deadline(f"{unique}-{i}", due=T0), now=from_ms(0))
    first = await store.claim(
        due_by=T0, wall=from_ms(10_000), lease=timedelta(milliseconds=1_000), limit=10
    )
    assert first is not None
    assert len(first.deadlines) == 5
    assert (
        await store.claim(
            due_by=T0, wall=from_ms(10_999), lease=timedelta(milliseconds=1_000), limit=10
        )
        is None
    )
    assert await store.any_due(due_by=T0)
    second = await store.claim(
        due_by=T0, wall=from_ms(11_001), lease=timedelta(milliseconds=1_000), limit=10
    )
    assert second is not None
    assert [d.deadline_id for d in second.deadlines] == [d.deadline_id for d in first.deadlines]
    ids = [d.deadline_id for d in first.deadlines]
    assert await store.mark_fired(first, ids, fired_at=from_ms(1)) == 0
    assert await store.mark_fired(second, ids, fired_at=from_ms(1)) == 5
    assert not await store.any_due(due_by=T0)


async def test_a_firing_that_raced_a_suspension_fires_again_after_the_resume(
    store: MongoDeadlineStore, bus: Bus, sink: FiredSink, unique: str
) -> None:
    order = f"{unique}-o"
    await store.schedule(deadline(f"{unique}-d", due=T0, order_id=order), now=from_ms(0))
    claim = await store.claim(
        due_by=T0, wall=from_ms(1), lease=timedelta(milliseconds=30_000), limit=10
    )
    assert claim is not None
    await store.suspend(order, now=T0)
    assert await store.mark_fired(claim, [f"{unique}-d"], fired_at=T0) == 0
    await store.resume(order, now=T0 + timedelta(hours=1))
    clock = FixedClock(T0 + timedelta(hours=1))
    assert await firer(store, bus, clock).drain(due_by=clock.now(), trigger="t") == 1
    await eventually(lambda: _count(sink, 1))
    assert sink.messages[0].id == fired_message_id(f"{unique}-d", 1)
    assert sink.messages[0].payload["due_at"] == (T0 + timedelta(hours=1)).isoformat().replace(
        "+00:00", "Z"
    )
