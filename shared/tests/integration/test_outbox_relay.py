"""One write per change, then the relay: nothing lost after a write, nothing sent without one;
woken by a write, pipelined rounds in order, a crash before the mark, a stop that cannot hang."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import aiormq
import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerCancel
from aftersales_shared.errors import ConcurrencyConflict
from aftersales_shared.messaging import Bus
from aftersales_shared.messaging.connection import FRAME_BUFFER
from aftersales_shared.messaging.topology import declare
from aftersales_shared.metrics import OUTBOX_LAG
from aftersales_shared.persistence import Doc, OutboxRelay, VersionedCollection
from aftersales_testkit import drain, eventually
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration


def cancel(deadline_id: str) -> Envelope:
    return envelope(
        type="timer.cancel",
        payload=TimerCancel(deadline_id=deadline_id),
        occurred_at=datetime.now(UTC),
        seller_id="s1",
    )


async def connected(amqp_url: str, namespace: str) -> Bus:
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    return bus


async def test_messages_written_before_a_crash_go_out_when_the_relay_runs_again(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    orders = VersionedCollection(db["orders"])
    await orders.insert({"_id": "o1", "state": "A"}, messages=[cancel("written")])
    current = await orders.get("o1")
    assert current is not None
    stale = current
    await orders.save(current, {"_id": "o1", "state": "B"}, messages=[cancel("second")])
    with pytest.raises(ConcurrencyConflict):
        await orders.save(stale, {"_id": "o1", "state": "X"}, messages=[cancel("never")])

    restarted = await connected(amqp_url, namespace)
    relay = OutboxRelay(restarted)
    relay.add(db["orders"])
    try:
        assert await relay.drain_once() == (2, 0)
        assert await relay.drain_once() == (0, 0), "sent messages are marked sent"
    finally:
        await restarted.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert ids == ["written", "second"], "in order, once each, none for the failed write"
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert (raw["_outbox"], raw["_outbox_pending"]) == ([], False)


async def test_an_unroutable_message_stays_pending_until_it_can_be_routed(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    assert bus._connection is not None
    channel = await bus._connection.channel()
    await channel.queue_delete(f"{namespace}.timer-svc")
    try:
        await orders.insert({"_id": "o1"}, messages=[cancel("stuck")])
        assert await relay.drain_once() == (0, 1)
        raw = await db["orders"].find_one({"_id": "o1"})
        assert raw is not None
        assert raw["_outbox_pending"]
        assert deadline_ids(raw["_outbox"]) == ["stuck"]

        await declare(channel, bus.topology, service=bus.service, retry_delay_ms=1000)
        relay.start()
        await eventually(
            lambda: _pending_cleared(db, "o1"), what="the relay publishes once routable"
        )
    finally:
        await relay.stop()
        await bus.close()
    [message] = await drain(amqp_url, f"{namespace}.timer-svc")
    assert Envelope.model_validate_json(message.body).payload["deadline_id"] == "stuck"


async def _pending_cleared(db: AsyncDatabase[Doc], doc_id: str) -> bool:
    raw = await db["orders"].find_one({"_id": doc_id})
    return raw is not None and not raw["_outbox_pending"]


async def test_a_write_between_publish_and_mark_keeps_its_new_messages(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    elsewhere = VersionedCollection(db["orders"])  # another process: its relay is not ours
    try:
        await orders.insert({"_id": "o1", "n": 1}, messages=[cancel("old")])
        assert await relay._publish(poll=False, grace_ms=0) == (1, 0)
        current = await elsewhere.get("o1")  # read before the mark: it still carries "old"
        assert current is not None
        await elsewhere.save(current, {"_id": "o1", "n": 2}, messages=[cancel("new")])
        await relay._mark(older_than=None)
    finally:
        await bus.close()
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert deadline_ids(raw["_outbox"]) == ["new"]
    assert raw["_outbox_pending"]


async def test_a_write_of_this_process_is_published_from_memory_and_marked_later(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, poll_s=3600, mark_delay_s=0.3)  # the poll never comes in time
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written, cache_size=10)
    relay.start()
    try:
        await orders.insert({"_id": "o1", "n": 1}, messages=[cancel("first")])
        await eventually(lambda: _pending_cleared(db, "o1"), what="published and marked")
        current = await orders.get_for_update("o1")
        assert current is not None
        assert current.outbox == [], "what went out leaves the write cache"
        await orders.save(current, {"_id": "o1", "n": 2}, messages=[cancel("second")])
        await eventually(lambda: _pending_cleared(db, "o1"), what="the second one too")
    finally:
        await relay.stop()
        await bus.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert ids == ["first", "second"], "each once, in order"


async def test_writes_in_quick_succession_share_one_mark(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, poll_s=3600, mark_delay_s=3600)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written, cache_size=10)
    try:
        await orders.insert({"_id": "o1", "n": 0}, messages=[cancel("m0")])
        for n in range(1, 4):
            assert await relay._publish(poll=False, grace_ms=0) == (1, 0)
            current = await orders.get_for_update("o1")
            assert current is not None
            await orders.save(current, {"_id": "o1", "n": n}, messages=[cancel(f"m{n}")])
        raw = await db["orders"].find_one({"_id": "o1"})
        assert raw is not None
        assert deadline_ids(raw["_outbox"]) == ["m3"], (
            "each write dropped what had gone out: no mark was written in between"
        )
        assert await relay.drain_once() == (1, 0)
    finally:
        await bus.close()
    assert not (await db["orders"].find_one({"_id": "o1"}) or {}).get("_outbox_pending", True)
    ids = await published_deadline_ids(amqp_url, namespace)
    assert ids == ["m0", "m1", "m2", "m3"]


async def test_a_round_stops_at_its_message_budget_and_the_rest_waits_its_turn(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, round_messages=2)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    try:
        for n in range(3):
            await orders.insert({"_id": f"o{n}"}, messages=[cancel(f"a{n}"), cancel(f"b{n}")])
        assert await relay._publish(poll=False, grace_ms=0) == (2, 0), "one document: 2 messages"
        assert await relay._publish(poll=False, grace_ms=0) == (2, 0)
        assert await relay.drain_once() == (2, 0)
    finally:
        await bus.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert ids == ["a0", "b0", "a1", "b1", "a2", "b2"]


async def test_past_its_memory_bound_the_relay_leaves_writes_to_the_poll(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, max_fresh=2, grace_s=3600)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    try:
        for n in range(3):
            await orders.insert({"_id": f"o{n}"}, messages=[cancel(f"m{n}")])
        assert len(relay._fresh) == 2, "the third waits in the store only"
        assert await relay._publish(poll=True, grace_ms=3_600_000) == (2, 0)
        assert await relay.drain_once() == (1, 0), "the poll finds it (here without grace)"
    finally:
        await bus.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert sorted(ids) == ["m0", "m1", "m2"]


async def test_the_poll_leaves_young_writes_to_the_process_that_made_them(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    elsewhere = VersionedCollection(db["orders"])
    await elsewhere.insert({"_id": "young"}, messages=[cancel("young")])
    await db["orders"].insert_one(
        {"_id": "old", "_v": 1, "_outbox_pending": True, "_outbox_at": 0,
         "_outbox": [cancel("old").model_dump(mode="python")]}  # as kept before bodies were
    )  # fmt: skip
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, grace_s=60)
    relay.add(db["orders"])
    try:
        assert await relay._publish(poll=True, grace_ms=60_000) == (1, 0)
        assert await relay.drain_once() == (1, 0), "an explicit drain takes everything"
    finally:
        await bus.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert ids == ["old", "young"]


def lag_count() -> float:
    return next(s.value for s in OUTBOX_LAG.collect()[0].samples if s.name.endswith("_count"))


async def confirmed_past(count: float) -> bool:
    return lag_count() > count


async def test_a_write_wakes_the_relay_and_is_confirmed_within_a_bound(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, poll_s=3600, mark_delay_s=3600)  # neither poll nor timer helps
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    relay.start()
    await asyncio.sleep(0)  # the loop is waiting now: only the write's wake-up can start it
    observed = lag_count()
    try:
        started = time.monotonic()
        await orders.insert({"_id": "o1"}, messages=[cancel("woken")])
        await eventually(lambda: confirmed_past(observed), timeout=5, what="the confirm")
        assert time.monotonic() - started < 2.0, "published on the wake-up, not the interval"
    finally:
        await relay.stop()
        await bus.close()
    assert await published_deadline_ids(amqp_url, namespace) == ["woken"]


async def test_writes_to_one_document_while_rounds_are_under_way_go_out_in_order(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, round_messages=3, rounds_in_flight=4, mark_delay_s=0.05)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written, cache_size=100)
    relay.start()
    expected: list[str] = []
    try:
        for doc in range(3):
            await orders.insert({"_id": f"o{doc}", "n": 0}, messages=[cancel(f"o{doc}-0")])
            expected.append(f"o{doc}-0")
        for n in range(1, 15):
            for doc in range(3):
                current = await orders.get_for_update(f"o{doc}")
                assert current is not None
                await orders.save(
                    current, {"_id": f"o{doc}", "n": n}, messages=[cancel(f"o{doc}-{n}")]
                )
                expected.append(f"o{doc}-{n}")
        for doc in range(3):
            await eventually(lambda d=doc: _pending_cleared(db, f"o{d}"), what="all sent")
    finally:
        await relay.stop()
        await bus.close()
    ids = await published_deadline_ids(amqp_url, namespace)
    assert sorted(ids) == sorted(expected), "each once"
    for doc in range(3):
        mine = [i for i in ids if i.startswith(f"o{doc}-")]
        assert mine == [f"o{doc}-{n}" for n in range(15)], "in the order written, per document"


async def test_a_crash_between_publish_and_mark_loses_nothing(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    crashed = OutboxRelay(bus, mark_delay_s=3600)
    crashed.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=crashed.written)
    try:
        await orders.insert({"_id": "o1"}, messages=[cancel("a"), cancel("b")])
        assert await crashed._publish(poll=False, grace_ms=0) == (2, 0)
        # the process dies here: published and confirmed, never marked
        raw = await db["orders"].find_one({"_id": "o1"})
        assert raw is not None
        assert raw["_outbox_pending"]

        restarted = OutboxRelay(bus)
        restarted.add(db["orders"])
        assert await restarted.drain_once() == (2, 0), "published again: at least once"
    finally:
        await bus.close()
    assert await _pending_cleared(db, "o1")
    assert await published_deadline_ids(amqp_url, namespace) == ["a", "b", "a", "b"]


class Stubborn:
    """A publisher that never answers and swallows its cancellation until released."""

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.tasks: list[asyncio.Task[Any]] = []

    async def under_way(self) -> bool:
        return bool(self.tasks)

    async def publish_stored(self, stored: Mapping[str, Any]) -> None:
        await self.publish_many_stored([stored])

    async def publish_many_stored(
        self, messages: Iterable[Mapping[str, Any]]
    ) -> list[BaseException | None]:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.append(task)
        while True:
            try:
                await self.released.wait()
                return [None for _ in messages]
            except asyncio.CancelledError:
                if self.released.is_set():
                    raise


async def test_stop_is_bounded_even_when_a_round_swallows_its_cancellation(
    db: AsyncDatabase[Doc],
) -> None:
    stubborn = Stubborn()
    relay = OutboxRelay(stubborn, stop_timeout_s=0.3, rounds_in_flight=1)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written)
    relay.start()
    try:
        await orders.insert({"_id": "o1"}, messages=[cancel("stuck")])
        await orders.insert({"_id": "o2"}, messages=[cancel("waiting")])
        await eventually(stubborn.under_way, what="a round under way")
        started = time.monotonic()
        await relay.stop()
        assert time.monotonic() - started < 3.0, "each step of the stop is bounded"
    finally:
        stubborn.released.set()
        for task in stubborn.tasks:
            task.cancel()
        await asyncio.wait(stubborn.tasks, timeout=5)
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert raw["_outbox_pending"], "left pending in the store, not lost"


async def test_a_stopped_relay_against_the_store_stops_at_once(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, poll_s=0.01, mark_delay_s=0.01, grace_s=0)
    relay.add(db["orders"])
    elsewhere = VersionedCollection(db["orders"])  # the poll finds these in the store
    for n in range(30):
        await elsewhere.insert({"_id": f"o{n}"}, messages=[cancel(f"m{n}")])
    observed = lag_count()
    relay.start()
    try:
        await eventually(lambda: confirmed_past(observed), what="mid-run against the store")
        started = time.monotonic()
        await relay.stop()
        assert time.monotonic() - started < 10.0
    finally:
        await bus.close()
    assert sorted(set(await published_deadline_ids(amqp_url, namespace))) == sorted(
        f"m{n}" for n in range(30)
    )


async def test_the_connection_queues_a_round_of_publishes_without_waiting(
    amqp_url: str, namespace: str
) -> None:
    bus = await connected(amqp_url, namespace)
    try:
        assert aiormq.connection.Connection.FRAME_BUFFER_SIZE == FRAME_BUFFER >= 1000
    finally:
        await bus.close()


def deadline_ids(outbox: list[Doc]) -> list[str]:
    """The deadline ids of the timer.cancel messages an outbox keeps (bodies are JSON)."""
    return [json.loads(m["body"])["payload"]["deadline_id"] for m in outbox]


async def published_deadline_ids(amqp_url: str, namespace: str) -> list[str]:
    """The deadline ids of the timer.cancel messages waiting in timer-svc's queue, in order."""
    received = await drain(amqp_url, f"{namespace}.timer-svc")
    return [Envelope.model_validate_json(m.body).payload["deadline_id"] for m in received]


async def test_writes_in_quick_succession_publish_each_message_once_in_order_and_stay_small(
    amqp_url: str, namespace: str, db: AsyncDatabase[Doc]
) -> None:
    """Each command reads the version the last one wrote, often before the relay's confirm of
    it, and messages confirmed meanwhile are not carried on (the deterministic cases are in
    test_store_repository.py): each message still goes out once, in write order."""
    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus, poll_s=3600, mark_delay_s=0.2)
    relay.add(db["orders"])
    orders = VersionedCollection(db["orders"], on_write=relay.written, cache_size=10)
    relay.start()
    carried: list[int] = []
    try:
        await orders.insert({"_id": "o1", "n": 0}, messages=[cancel("m0")])
        for n in range(1, 40):
            current = await orders.get_for_update("o1")
            assert current is not None
            carried.append(len(current.outbox))
            await orders.save(current, {"_id": "o1", "n": n}, messages=[cancel(f"m{n}")])
            if n % 8 == 0:  # now and then the next command comes after the confirm
                await eventually(lambda n=n: _published_up_to(orders, n), what=f"m{n} confirmed")
        await eventually(lambda: _pending_cleared(db, "o1"), what="all published and marked")
    finally:
        await relay.stop()
        await bus.close()
    assert await published_deadline_ids(amqp_url, namespace) == [f"m{n}" for n in range(40)]
    assert carried[8::8] == [0, 0, 0, 0], f"after a confirm nothing is carried: {carried}"


async def _published_up_to(orders: VersionedCollection, n: int) -> bool:
    current = await orders.get_for_update("o1")
    return current is not None and current.data["n"] == n and current.outbox == []
