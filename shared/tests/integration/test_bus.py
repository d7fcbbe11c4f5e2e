"""The bus against the real RabbitMQ: confirms, unroutable, inbox, retries, DLQ, reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import SmsSend, TimerCancel
from aftersales_shared.messaging import Bus, Typed, Unroutable, dispatcher
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_shared.persistence import Doc, MongoInbox
from aftersales_testkit import close_connections_named, depth, drain, eventually
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration


def sms(key: str, *, recipient: str = "13800138000") -> Envelope:
    return envelope(
        type="sms.send",
        payload=SmsSend(recipient=recipient, template="ORDER_CLOSED", idempotency_key=key),
        occurred_at=datetime.now(UTC),
        seller_id="s1",
    )


@pytest.fixture
async def bus(amqp_url: str, namespace: str) -> AsyncIterator[Bus]:
    """A bus acting as sms-svc, with fast retries."""
    b = Bus(
        url=amqp_url,
        namespace=namespace,
        service="sms-svc",
        max_retries=2,
        retry_delay_ms=50,
        shutdown_grace_s=5,
    )
    await b.connect()
    yield b
    await b.close()


async def test_a_confirmed_publish_lands_in_the_consumers_queue(bus: Bus, amqp_url: str) -> None:
    message = sms("k1")
    await bus.publish(message)
    [received] = await drain(amqp_url, bus.topology.queue("sms-svc"))
    assert Envelope.model_validate_json(received.body) == message
    assert received.message_id == message.id


async def test_an_unroutable_publish_raises(bus: Bus) -> None:
    assert bus._connection is not None
    channel = await bus._connection.channel()
    await channel.queue_delete(bus.topology.queue("sms-svc"))
    with pytest.raises(Unroutable, match=r"command\.sms\.send"):
        await bus.publish(sms("k2"))


async def test_the_same_message_twice_has_one_effect(bus: Bus, db: AsyncDatabase[Doc]) -> None:
    effects = db["effects"]

    async def count(message: Envelope) -> None:
        await effects.update_one({"_id": "n"}, {"$inc": {"n": 1}}, upsert=True)

    duplicates = MESSAGES_HANDLED.labels(type="sms.send", result="duplicate")
    before = duplicates._value.get()
    inbox = MongoInbox(db["inbox"], clock=lambda: datetime.now(UTC))
    await bus.consume(dispatcher({"sms.send": count}), inbox=inbox)
    message = sms("same")
    await bus.publish(message)
    await eventually(lambda: effects.find_one({"_id": "n"}), what="first delivery handled")
    await bus.publish(message)
    await eventually(
        lambda: _async(duplicates._value.get() == before + 1), what="duplicate acknowledged"
    )
    assert (await effects.find_one({"_id": "n"})) == {"_id": "n", "n": 1}


async def test_a_poison_message_is_dead_lettered_and_the_next_one_handled(
    bus: Bus, amqp_url: str
) -> None:
    attempts: list[str] = []
    handled: list[str] = []

    async def handle(message: Envelope) -> None:
        key = message.payload["idempotency_key"]
        if key == "poison":
            attempts.append(key)
            raise RuntimeError("gateway exploded")
        handled.append(key)

    await bus.consume(dispatcher({"sms.send": handle}))
    await bus.publish(sms("poison"))
    await bus.publish(sms("fine"))
    dlq = bus.topology.dead_letter_queue("sms-svc")
    await eventually(lambda: depth(amqp_url, dlq), what="poison in the DLQ")
    [dead] = await drain(amqp_url, dlq)
    assert len(attempts) == 3, "one try and two retries"
    assert handled == ["fine"]
    reason = str((dead.headers or {})["x-failure-reason"])
    assert "failed 3 times" in reason
    assert "gateway exploded" in reason
    assert Envelope.model_validate_json(dead.body).payload["idempotency_key"] == "poison"


async def test_an_invalid_message_goes_straight_to_the_dlq(bus: Bus, amqp_url: str) -> None:
    await bus.consume(dispatcher({}))
    await bus._publish_raw(
        exchange_name="",
        routing_key=bus.topology.queue("sms-svc"),
        body=b"{not json",
        message_id="bad",
        message_type="sms.send",
        correlation_id=None,
    )
    dlq = bus.topology.dead_letter_queue("sms-svc")
    await eventually(lambda: depth(amqp_url, dlq), what="invalid message in the DLQ")
    [dead] = await drain(amqp_url, dlq)
    assert "invalid message" in str((dead.headers or {})["x-failure-reason"])


async def test_a_payload_that_does_not_validate_is_dead_lettered_at_once(
    bus: Bus, amqp_url: str
) -> None:
    """A handler validating a payload that is no SmsSend (as order-svc's do): no retry."""
    calls: list[str] = []

    async def handle(message: Envelope) -> None:
        calls.append(message.id)
        SmsSend.model_validate(message.payload)

    await bus.consume(dispatcher({"sms.send": handle}))
    malformed = sms("k").model_copy(update={"payload": {"recipient": "13800138000"}})
    await bus.publish(malformed)
    dlq = bus.topology.dead_letter_queue("sms-svc")
    await eventually(lambda: depth(amqp_url, dlq), what="malformed payload in the DLQ")
    [dead] = await drain(amqp_url, dlq)
    headers = dead.headers or {}
    assert calls == [malformed.id], "one try, no retry"
    assert "x-attempts" not in headers, "it went through no retry"
    assert str(headers["x-failure-reason"]).startswith("rejected: ")
    assert "idempotency_key" in str(headers["x-failure-reason"])
    assert dead.message_id == malformed.id


async def test_a_message_type_without_handler_is_dead_lettered(bus: Bus, amqp_url: str) -> None:
    await bus.consume(dispatcher({}))
    await bus.publish(sms("nobody-handles-me"))
    dlq = bus.topology.dead_letter_queue("sms-svc")
    await eventually(lambda: depth(amqp_url, dlq), what="unhandled type in the DLQ")
    [dead] = await drain(amqp_url, dlq)
    assert "no handler" in str((dead.headers or {})["x-failure-reason"])


async def test_publishing_survives_forced_connection_closes(amqp_url: str, namespace: str) -> None:
    publisher = Bus(url=amqp_url, namespace=namespace, service="order-svc", publish_timeout_s=30)
    consumer = Bus(url=amqp_url, namespace=namespace, service="timer-svc")
    await publisher.connect()
    await consumer.connect()
    received: set[str] = set()

    async def record(message: Envelope) -> None:
        received.add(message.payload["deadline_id"])

    await consumer.consume(dispatcher({"timer.cancel": record}))
    sent = [f"d{i}" for i in range(600)]

    async def stream() -> None:
        for deadline_id in sent:
            await publisher.publish(
                envelope(
                    type="timer.cancel",
                    payload=TimerCancel(deadline_id=deadline_id),
                    occurred_at=datetime.now(UTC),
                    seller_id=None,
                )
            )

    publishing = asyncio.create_task(stream())
    closed = 0
    for round_ in range(1, 4):
        await eventually(
            lambda n=round_: _async(len(received) > 50 * n),  # type: ignore[misc]
            what="progress",
        )
        closed += close_connections_named(publisher.connection_name)
        closed += close_connections_named(consumer.connection_name)
    await publishing
    try:
        await eventually(lambda: _async(received == set(sent)), timeout=60, what="all received")
    finally:
        await publisher.close()
        await consumer.close()
    assert closed >= 6, "both connections were closed three times"


async def test_graceful_shutdown_finishes_in_flight_messages(
    bus: Bus, db: AsyncDatabase[Doc]
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(message: Envelope) -> None:
        started.set()
        await release.wait()
        finished.append(message.id)

    await bus.consume(dispatcher({"sms.send": slow}))
    message = sms("slow")
    await bus.publish(message)
    await asyncio.wait_for(started.wait(), timeout=60)
    stopping = asyncio.create_task(bus.stop_consuming())
    release.set()
    await stopping
    assert finished == [message.id]


async def _async(value: bool) -> bool:
    """Lift a plain value into an awaitable probe for `eventually`."""
    return value


async def test_batches_overlap_in_the_handler_and_are_all_acknowledged(
    bus: Bus, amqp_url: str
) -> None:
    """Two batches in the handler at once (in_flight=2); at close nothing is left unacked."""
    second_started = asyncio.Event()
    sizes: list[int] = []

    async def write(batch: list[Typed]) -> None:
        first = not sizes
        sizes.append(len(batch))
        if first:
            await asyncio.wait_for(second_started.wait(), timeout=30)
        else:
            second_started.set()

    for i in range(4):
        await bus.publish(sms(f"b{i}"))
    await bus.consume_batches(write, size=2, delay_s=0.05, in_flight=2)
    await eventually(lambda: _async(sum(sizes) >= 4), what="both batches handled")
    await bus.close()
    assert sizes == [2, 2]
    assert await depth(amqp_url, bus.topology.queue("sms-svc")) == 0, "every delivery was acked"
