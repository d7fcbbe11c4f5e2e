"""One write per change, then the relay: nothing lost after a write, nothing sent without one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.bus import Bus
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerCancel
from aftersales_shared.errors import ConcurrencyConflict
from aftersales_shared.store import Doc, OutboxRelay, VersionedCollection
from aftersales_shared.testing import drain, eventually
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
    orders = VersionedCollection(db["orders"], on_write=lambda: None)
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
    received = await drain(amqp_url, f"{namespace}.timer-svc")
    ids = [Envelope.model_validate_json(m.body).payload["deadline_id"] for m in received]
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
    orders = VersionedCollection(db["orders"], on_write=relay.notify)
    assert bus._connection is not None
    channel = await bus._connection.channel()
    await channel.queue_delete(f"{namespace}.timer-svc")
    try:
        await orders.insert({"_id": "o1"}, messages=[cancel("stuck")])
        assert await relay.drain_once() == (0, 1)
        raw = await db["orders"].find_one({"_id": "o1"})
        assert raw is not None
        assert raw["_outbox_pending"]
        assert [m["payload"]["deadline_id"] for m in raw["_outbox"]] == ["stuck"]

        await bus._declare_topology(channel)
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
    orders = VersionedCollection(db["orders"], on_write=lambda: None)
    await orders.insert({"_id": "o1", "n": 1}, messages=[cancel("old")])
    seen_by_relay = await db["orders"].find_one({"_id": "o1"}, {"_outbox": 1, "_v": 1})
    assert seen_by_relay is not None
    current = await orders.get("o1")
    assert current is not None
    await orders.save(current, {"_id": "o1", "n": 2}, messages=[cancel("new")])

    bus = await connected(amqp_url, namespace)
    relay = OutboxRelay(bus)
    try:
        published, failed, marks = await relay._publish_doc(seen_by_relay)
        await db["orders"].bulk_write(marks, ordered=True)
    finally:
        await bus.close()
    assert (published, failed) == (1, 0)
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert [m["payload"]["deadline_id"] for m in raw["_outbox"]] == ["new"]
    assert raw["_outbox_pending"]
