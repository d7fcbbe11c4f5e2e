"""What every bus does, on RabbitMQ and in memory alike, so the in-memory bus cannot drift."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TypeVar

import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ClockAdvanced, SmsSend, TimerCancel
from aftersales_shared.messaging import MessageMeta, Router, Typed, Unroutable, dispatcher
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_testkit import MemoryInbox, eventually
from transports import Transport

T = TypeVar("T")
FAST = {"max_retries": 2, "retry_delay_ms": 50, "shutdown_grace_s": 5}
SMS_Q, SMS_DLQ = "sms-svc", "sms-svc.dlq"


def sms(key: str) -> Envelope:
    return envelope(
        type="sms.send",
        payload=SmsSend(recipient="13800138000", template="ORDER_CLOSED", idempotency_key=key),
        occurred_at=datetime.now(UTC),
        seller_id="s1",
        correlation_id=f"conv-{key}",
    )


def q(transport: Transport, suffix: str) -> str:
    return f"{transport.namespace}.{suffix}"


async def dead_letters(transport: Transport, n: int = 1) -> list[dict[str, object]]:
    dlq = q(transport, SMS_DLQ)
    await eventually(lambda: _at_least(transport, dlq, n), timeout=30, what=f"{n} in the DLQ")
    return [dict(d.headers) | {"body": d.body} for d in await transport.drain(dlq)]


async def _at_least(transport: Transport, queue: str, n: int) -> bool:
    return await transport.depth(queue) >= n


async def test_a_typed_handler_gets_the_payload_model_and_the_meta(transport: Transport) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    got: list[tuple[SmsSend, MessageMeta]] = []
    router = Router()

    @router.on("sms.send")
    async def on_sms(payload: SmsSend, meta: MessageMeta) -> None:
        got.append((payload, meta))

    await bus.consume(router)
    message = sms("typed")
    await bus.publish(message)
    [(payload, meta)] = await eventually(lambda: _value(got), what="the typed handler ran")
    assert payload == SmsSend.model_validate(message.payload)
    assert (meta.id, meta.type, meta.correlation_id) == (message.id, "sms.send", "conv-typed")
    assert (meta.seller_id, meta.attempts) == ("s1", 0)


async def test_a_typed_handler_never_sees_a_payload_that_does_not_validate(
    transport: Transport,
) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    calls: list[SmsSend] = []
    router = Router()

    @router.on("sms.send")
    async def on_sms(payload: SmsSend, meta: MessageMeta) -> None:
        calls.append(payload)

    await bus.consume(router)
    await bus.publish(sms("bad").model_copy(update={"payload": {"recipient": "x"}}))
    [dead] = await dead_letters(transport)
    assert calls == []
    assert "x-attempts" not in dead, "dead-lettered with no retry"
    assert "validation error" in str(dead["x-failure-reason"])
    assert "idempotency_key" in str(dead["x-failure-reason"])


async def test_an_envelope_handler_gets_the_payload_as_it_came(transport: Transport) -> None:
    """The older path: the handler decides (sms-svc records a malformed command, say)."""
    bus = await transport.bus("sms-svc", **FAST)
    seen: list[dict[str, object]] = []

    async def record(message: Envelope) -> None:
        seen.append(message.payload)

    await bus.consume(dispatcher({"sms.send": record}))
    await bus.publish(sms("bad").model_copy(update={"payload": {"recipient": "x"}}))
    assert await eventually(lambda: _value(seen), what="the handler ran") == [{"recipient": "x"}]


async def test_a_validation_error_from_an_envelope_handler_is_not_retried(
    transport: Transport,
) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    calls: list[str] = []

    async def strict(message: Envelope) -> None:
        calls.append(message.id)
        SmsSend.model_validate(message.payload)

    await bus.consume(dispatcher({"sms.send": strict}))
    await bus.publish(sms("bad").model_copy(update={"payload": {"recipient": "x"}}))
    [dead] = await dead_letters(transport)
    assert len(calls) == 1
    assert "x-attempts" not in dead
    assert str(dead["x-failure-reason"]).startswith("rejected: ")


async def test_bytes_that_are_no_envelope_are_dead_lettered(transport: Transport) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    await bus.consume(dispatcher({}))
    await transport.put_raw(q(transport, SMS_Q), body=b"{not json", message_type="sms.send")
    [dead] = await dead_letters(transport)
    assert str(dead["x-failure-reason"]).startswith("invalid message")
    assert dead["body"] == b"{not json"


async def test_a_failing_message_is_retried_then_dead_lettered(transport: Transport) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    attempts: list[int] = []
    handled: list[str] = []
    router = Router()

    @router.on("sms.send")
    async def on_sms(payload: SmsSend, meta: MessageMeta) -> None:
        if payload.idempotency_key == "poison":
            attempts.append(meta.attempts)
            raise RuntimeError("gateway exploded")
        handled.append(payload.idempotency_key)

    await bus.consume(router)
    await bus.publish(sms("poison"))
    await bus.publish(sms("fine"))
    [dead] = await dead_letters(transport)
    assert attempts == [0, 1, 2], "one try and two retries, each knowing its attempt"
    assert handled == ["fine"]
    assert "failed 3 times" in str(dead["x-failure-reason"])
    assert "gateway exploded" in str(dead["x-failure-reason"])
    assert dead["x-attempts"] == 2


async def test_a_permanent_error_and_a_missing_handler_dead_letter_at_once(
    transport: Transport,
) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    await bus.consume(dispatcher({}))
    await bus.publish(sms("nobody"))
    [dead] = await dead_letters(transport)
    assert "no handler" in str(dead["x-failure-reason"])
    assert "x-attempts" not in dead


async def test_the_same_message_twice_has_one_effect_with_an_inbox(transport: Transport) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    inbox = MemoryInbox()
    effects: list[str] = []

    async def count(message: Envelope) -> None:
        effects.append(message.id)

    duplicates = MESSAGES_HANDLED.labels(type="sms.send", result="duplicate")
    before = duplicates._value.get()
    await bus.consume(dispatcher({"sms.send": count}), inbox=inbox)
    message = sms("same")
    await bus.publish(message)
    await eventually(lambda: _value(message.id in inbox.ids), what="first delivery recorded")
    await bus.publish(message)
    await eventually(
        lambda: _value(duplicates._value.get() == before + 1), what="duplicate acknowledged"
    )
    assert effects == [message.id]


async def test_a_publish_no_queue_takes_is_unroutable(transport: Transport) -> None:
    bus = await transport.bus("sms-svc", **FAST)
    await transport.delete_queue(q(transport, SMS_Q))
    with pytest.raises(Unroutable, match=r"command\.sms\.send"):
        await bus.publish(sms("lost"))


async def test_batches_are_cut_by_size_and_a_failed_one_comes_back(
    transport: Transport,
) -> None:
    publisher = await transport.bus("order-svc")
    bus = await transport.bus("timer-svc", **FAST)
    batches: list[list[str]] = []
    failed_once: list[bool] = []

    async def write(batch: list[Typed]) -> None:
        ids = [t.payload.deadline_id for t in batch if isinstance(t.payload, TimerCancel)]
        if "d0" in ids and not failed_once:
            failed_once.append(True)
            raise RuntimeError("store down")
        batches.append(ids)

    for i in range(5):
        await publisher.publish(cancel(f"d{i}"))
    await publisher.publish(cancel("d9").model_copy(update={"payload": {}}))
    await bus.consume_batches(write, size=2, delay_s=0.05)
    await eventually(lambda: _value(_flat(batches) >= 5), what="every deadline written")
    assert sorted(_ids(batches)) == [f"d{i}" for i in range(5)]
    assert all(len(b) <= 2 for b in batches)
    assert failed_once == [True]
    dlq = q(transport, "timer-svc.dlq")
    await eventually(lambda: _at_least(transport, dlq, 1), what="the bad one dead-lettered")
    [dead] = await transport.drain(dlq)
    assert str(dead.headers["x-failure-reason"]).startswith("invalid message")
    assert "d9" not in _ids(batches)


async def test_a_batch_consumer_stopped_at_once_leaves_its_batch_to_the_next_one(
    transport: Transport,
) -> None:
    """Stepping down (`stop(graceful=False)`): nothing more is handled or acknowledged, the
    batch in hand returns to the queue, and a new batch consumer of the same bus gets it."""
    publisher = await transport.bus("order-svc")
    bus = await transport.bus("timer-svc", **FAST)
    entered, release = asyncio.Event(), asyncio.Event()
    written: list[list[str]] = []

    async def stuck(batch: list[Typed]) -> None:
        entered.set()
        await release.wait()

    async def write(batch: list[Typed]) -> None:
        written.append([t.payload.deadline_id for t in batch if isinstance(t.payload, TimerCancel)])

    await publisher.publish(cancel("s1"))
    first = await bus.consume_batches(stuck, size=10, delay_s=0.05)
    assert first.ready
    await asyncio.wait_for(entered.wait(), timeout=30)
    await first.stop(graceful=False)
    assert not first.ready
    release.set()
    second = await bus.consume_batches(write, size=10, delay_s=0.05)
    assert second.ready
    await eventually(lambda: _value("s1" in _ids(written)), what="redelivered to the new one")
    await publisher.publish(cancel("s2"))
    await eventually(lambda: _value("s2" in _ids(written)), what="the new one goes on")
    await second.stop(graceful=True)
    assert not second.ready


async def test_a_batch_of_a_type_the_consumer_was_not_given_is_dead_lettered(
    transport: Transport,
) -> None:
    bus = await transport.bus("timer-svc", **FAST)
    written: list[list[str]] = []

    async def write(batch: list[Typed]) -> None:
        written.append([t.payload.deadline_id for t in batch if isinstance(t.payload, TimerCancel)])

    await bus.consume_batches(write, size=10, delay_s=0.05, types=["timer.cancel"])
    body = sms("elsewhere").model_dump_json().encode()
    await transport.put_raw(q(transport, "timer-svc"), body=body, message_type="sms.send")
    await transport.put_raw(
        q(transport, "timer-svc"), body=cancel("t1").model_dump_json().encode(),
        message_type="timer.cancel",
    )  # fmt: skip
    dlq = q(transport, "timer-svc.dlq")
    await eventually(lambda: _at_least(transport, dlq, 1), what="the other type dead-lettered")
    [dead] = await transport.drain(dlq)
    assert dead.type == "sms.send"
    assert "sms.send has no handler in timer-svc" in str(dead.headers["x-failure-reason"])
    await eventually(lambda: _value(_ids(written) == {"t1"}), what="the given type handled")


async def test_a_broadcast_reaches_every_subscribed_bus(transport: Transport) -> None:
    first = await transport.bus("order-svc")
    second = await transport.bus("sms-svc")
    heard: list[tuple[str, float]] = []
    for name, bus in (("order", first), ("sms", second)):

        async def hear(message: Envelope, name: str = name) -> None:
            heard.append((name, message.payload["offset_seconds"]))

        await bus.consume_broadcast(["clock.advanced"], hear)
    await first.publish(
        envelope(
            type="clock.advanced",
            payload=ClockAdvanced(offset_seconds=60),
            occurred_at=datetime.now(UTC),
            seller_id=None,
        )
    )
    await eventually(lambda: _value(len(heard) == 2), what="both buses heard it")
    assert sorted(heard) == [("order", 60), ("sms", 60)]


def cancel(deadline_id: str) -> Envelope:
    return envelope(
        type="timer.cancel",
        payload=TimerCancel(deadline_id=deadline_id),
        occurred_at=datetime.now(UTC),
        seller_id=None,
    )


def _ids(batches: list[list[str]]) -> set[str]:
    return {i for b in batches for i in b}


def _flat(batches: list[list[str]]) -> int:
    return sum(len(b) for b in batches)


async def _value(value: T) -> T:
    """Lift a plain value into an awaitable probe for `eventually`."""
    return value
