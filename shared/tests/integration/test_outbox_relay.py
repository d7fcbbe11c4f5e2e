"""One write per change, then the relay: nothing lost after a write, nothing sent without one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerCancel
from aftersales_shared.errors import ConcurrencyConflict
from aftersales_shared.messaging import Bus
from aftersales_shared.messaging.topology import declare
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


def deadline_ids(outbox: list[Doc]) -> list[str]:
    """The deadline ids of the timer.cancel messages an outbox keeps (bodies are JSON)."""
    return [json.loads(m["body"])["payload"]["deadline_id"] for m in outbox]


async def published_deadline_ids(amqp_url: str, namespace: str) -> list[str]:
    """The deadline ids of the timer.cancel messages waiting in timer-svc's queue, in order."""
    received = await drain(amqp_url, f"{namespace}.timer-svc")
    return [Envelope.model_validate_json(m.body).payload["deadline_id"] for m in received]
