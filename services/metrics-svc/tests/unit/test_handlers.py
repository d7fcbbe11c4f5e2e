"""The service layer on the dict-backed fakes and the in-memory bus: ingest, replay, close, step
down. The same behaviour through RabbitMQ and the store is in `tests/integration/`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import Delivery, Typed
from aftersales_shared.messaging.middleware import decode_typed
from aftersales_testkit import MemoryBroker, MemoryBus, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.facts import Fact
from metrics_svc.domain.weeks import week_end
from metrics_svc.entrypoints.consumer import consume
from metrics_svc.handlers.activity import Activity
from metrics_svc.handlers.closing import WeekCloser
from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.wire import facts_of_batch
from metrics_svc.ports import Consumption

from .fakes import FakeFacts, fake_stores

WEEK = "2026-W40"
APPLIED = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W40


def audited(seller: str, order: str, *, hours: float = 1) -> Envelope:
    return order_event(
        "audited", seller_id=seller, order_id=order, applied_at=APPLIED,
        audited_at=APPLIED + timedelta(hours=hours),
    )  # fmt: skip


def facts(*messages: Envelope) -> list[Fact]:
    """The facts of messages as the consumer hands them over (validated, typed)."""
    typed = []
    for m in messages:
        decoded = decode_typed(Delivery(m.model_dump_json().encode(), m.id, m.type, None))
        assert isinstance(decoded, Typed)
        typed.append(decoded)
    return facts_of_batch(typed)


def audits(ingestor: Ingestor, seller: str) -> tuple[int, int]:
    counts = ingestor.live.counts(WEEK, seller)
    return counts.get("aud_n", 0), counts.get("aud_d", 0)


async def test_a_fact_counts_once_however_often_its_event_comes() -> None:
    store = FakeFacts()
    ingestor = Ingestor(store)
    await ingestor.write(facts(audited("s1", "o1"), audited("s1", "o2", hours=13)))
    await ingestor.write(facts(audited("s1", "o1"), audited("s1", "o3")))
    assert audits(ingestor, "s1") == (2, 3)
    assert ingestor.weeks == {WEEK}
    assert await store.known_weeks() == {WEEK}


async def test_after_a_crash_the_facts_after_the_watermark_are_replayed_once() -> None:
    store = FakeFacts()
    first = Ingestor(store)
    await first.write(facts(audited("s1", "o1"), audited("s2", "o2")))
    await first.checkpoint()
    await first.write(facts(audited("s1", "o3", hours=20)))  # not checkpointed: the crash
    again = Ingestor(store)
    await again.load()
    assert audits(again, "s1") == (1, 2)
    assert audits(again, "s2") == (1, 1)
    await again.write(facts(audited("s1", "o3", hours=20)))  # redelivered after the crash
    assert audits(again, "s1") == (1, 2)


async def test_a_closed_week_is_frozen_announced_once_and_later_facts_are_late() -> None:
    store, results = fake_stores()
    ingestor = Ingestor(store)
    clock = FixedClock(week_end(WEEK) - timedelta(hours=1))
    closer = WeekCloser(results, ingestor, clock, poll_s=3600)
    await ingestor.write(facts(*(audited(f"s{n}", f"o{n}", hours=n) for n in range(12))))
    assert await closer.tick() == []  # not over yet
    clock.advance(2 * 3600)
    assert await closer.tick() == [WEEK]
    assert await closer.tick() == []
    ranked = await results.all_results(WEEK)
    assert [r.card.seller_id for r in ranked][:2] == ["s0", "s1"]
    assert sum(r.bottom10 for r in ranked) == 10
    assert [m.type for m in results.outbox] == ["metrics.week_closed"]
    await ingestor.write(facts(audited("s0", "late")))
    assert ingestor.late[WEEK] == 1
    assert [s.late for s in await store.facts_of_batch(ingestor.q)] == [True]


class FakeLease:
    """A lease the test gives and takes away."""

    owner = "me"

    def __init__(self) -> None:
        self.free, self.mine = True, False

    def held(self) -> bool:
        return self.mine

    def check(self) -> None:
        assert self.mine

    async def try_acquire(self) -> bool:
        self.mine = self.mine or self.free
        return self.mine

    async def renew(self) -> bool:
        return self.mine

    async def release(self) -> None:
        self.mine, self.free = False, True


async def test_only_the_lease_holder_consumes_and_a_step_down_hands_the_batch_back() -> None:
    broker = MemoryBroker()
    bus = MemoryBus(broker, service="metrics-svc")
    await bus.connect()
    publisher = MemoryBus(broker, service="order-svc")
    await publisher.connect()
    store, lease = FakeFacts(), FakeLease()
    running: list[tuple[Ingestor, Consumption]] = []

    async def activate() -> Any:
        ingestor = Ingestor(store, fence=lease.check)
        await ingestor.load()
        running.append((ingestor, await consume(bus, ingestor, size=10, delay_s=0.01)))

        async def stop(graceful: bool) -> None:
            await running[-1][1].stop(graceful=graceful)

        return stop

    async def refresh() -> None:
        return None

    activity = Activity(
        lease=lease, activate=activate, refresh=refresh, interval_s=3600, refresh_s=3600
    )
    await activity.start()
    assert activity.active
    await publisher.publish(audited("s1", "o1"))
    await eventually(lambda: _value(audits(running[-1][0], "s1") == (1, 1)), what="counted")
    lease.mine, lease.free = False, False  # taken by another process
    await activity._renew()
    await activity.round()
    assert not activity.active
    assert not running[-1][1].ready
    await publisher.publish(audited("s1", "o2"))
    lease.free = True
    await activity.round()  # taken again: a new ingestor, loaded from the store
    assert activity.active
    assert len(running) == 2
    await eventually(lambda: _value(audits(running[-1][0], "s1") == (2, 2)), what="counted again")
    await activity.stop()
    await bus.close()


async def _value(value: bool) -> bool:
    return value
