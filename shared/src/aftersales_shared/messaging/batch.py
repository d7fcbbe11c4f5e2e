"""The batch mode of the consumer: deliveries handled a batch at a time, one multiple-ack each.

Each delivery is decoded and its payload validated as it arrives, while the previous batch is
being handled; one that does not validate goes to the DLQ at once. A batch is cut at `size`
deliveries or `delay_s` after its first. `in_flight` batches may be in the handler at once, so
a store never waits for the service between them; batches are settled strictly in order, so a
multiple-ack never covers another batch. A failed batch goes back to the queue whole (a batch
handler must be idempotent), and a batch never spans two channels. A delivery of a type the
consumer was not given (`types`) is dead-lettered at once, as the per-message router does.

`stop(graceful=False)` (a process that lost its lease) handles nothing more and closes the
consumer's channel, so the broker redelivers what is unsettled; the bus's connection stays up
for a new consumer of the queue.

Deliveries are taken from the AMQP channel underneath aio-pika's robust channel: aio-pika's own
consumer wraps each delivery in an `IncomingMessage` and a task, which at thousands of messages
a second cost more CPU than a batch handler. After a reconnect the consumer is registered again
on the new channel (deliveries of the old one come back from the broker).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog
from aio_pika.abc import AbstractRobustChannel, AbstractRobustConnection
from aiormq.abc import AbstractChannel, DeliveredMessage

from aftersales_shared.messaging.delivery import Delivery, Outcome, Typed, dead_lettered
from aftersales_shared.messaging.middleware import decode_typed
from aftersales_shared.messaging.publisher import AmqpPublisher
from aftersales_shared.metrics import MESSAGES_HANDLED

log = structlog.get_logger(__name__)

BatchHandler = Callable[[list[Typed]], Awaitable[None]]
"""Handles validated messages together; it raises to send the whole batch back."""


@dataclass
class _Batch:
    channel: AbstractChannel
    """The channel the deliveries came on: their tags mean something only there."""
    tags: list[int] = field(default_factory=list)
    messages: list[Typed] = field(default_factory=list)


class BatchConsumer:
    """Cuts one queue's deliveries into batches and settles them in order."""

    def __init__(
        self,
        *,
        handler: BatchHandler,
        size: int,
        delay_s: float,
        in_flight: int,
        publisher: AmqpPublisher,
        dead_letter_queue: str,
        types: Iterable[str] | None = None,
        service: str = "this service",
    ) -> None:
        self._handler, self._size, self._delay = handler, size, delay_s
        self._types = None if types is None else frozenset(types)
        self._service = service
        self._in_flight = in_flight
        self._publisher, self._dlq = publisher, dead_letter_queue
        self._buffer: _Batch | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._batches: asyncio.Queue[_Batch] = asyncio.Queue()
        self._handled: asyncio.Queue[tuple[_Batch, asyncio.Task[Exception | None]]]
        self._handled = asyncio.Queue()
        self._slots = asyncio.Semaphore(in_flight)
        self._channel: AbstractRobustChannel | None = None
        self._queue_name = ""
        self._tag: tuple[AbstractChannel, str] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._stopped = False

    @property
    def ready(self) -> bool:
        """Consuming: started, not stopped, its channel open."""
        channel = self._channel
        return channel is not None and not self._stopped and not channel.is_closed

    async def start(self, connection: AbstractRobustConnection, *, queue_name: str) -> None:
        """Consume `queue_name` with room for the batches in flight and the next one."""
        channel = await connection.channel()
        assert isinstance(channel, AbstractRobustChannel)
        self._channel, self._queue_name = channel, queue_name
        await channel.set_qos(prefetch_count=(self._in_flight + 1) * self._size)
        await channel.get_queue(queue_name, ensure=True)
        channel.reopen_callbacks.add(self._on_reopen)
        self._workers = [
            asyncio.create_task(self._start_batches()),
            asyncio.create_task(self._settle()),
        ]
        await self._consume()

    async def _consume(self) -> None:
        assert self._channel is not None
        underlay = await self._channel.get_underlay_channel()
        ok = await underlay.basic_consume(self._queue_name, self._on_delivery)
        self._tag = (underlay, str(ok.consumer_tag))

    async def _on_reopen(self, *_: Any) -> None:
        """After a reconnect: the broker redelivers what the old channel had not settled."""
        self._buffer = None
        await self._consume()

    async def _on_delivery(self, raw: DeliveredMessage) -> None:
        decoded = decode_batched(_delivery(raw), types=self._types, service=self._service)
        if isinstance(decoded, Outcome):
            await self._dead_letter(raw, decoded)
            return
        if self._buffer is None or self._buffer.channel is not raw.channel:
            self._cut()
            self._buffer = _Batch(raw.channel)
        assert raw.delivery_tag is not None
        self._buffer.tags.append(raw.delivery_tag)
        self._buffer.messages.append(decoded)
        if len(self._buffer.tags) >= self._size:
            self._cut()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._cut)

    def _cut(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._buffer is not None and self._buffer.tags:
            self._batches.put_nowait(self._buffer)
        self._buffer = None

    async def _start_batches(self) -> None:
        """Hand each batch to the handler in turn, at most `in_flight` at once."""
        while True:
            batch = await self._batches.get()
            await self._slots.acquire()
            self._handled.put_nowait((batch, asyncio.create_task(self._handled_or_error(batch))))

    async def _handled_or_error(self, batch: _Batch) -> Exception | None:
        try:
            await self._handler(batch.messages)
        except Exception as exc:
            return exc
        finally:
            self._slots.release()
        return None

    async def _settle(self) -> None:
        """Settle the batches in the order they arrived, as their handlers end."""
        while True:
            batch, handling = await self._handled.get()
            try:
                await self._settle_one(batch, await handling)
            except Exception:
                log.exception("could not settle a batch; the broker delivers it again")
            finally:
                self._batches.task_done()

    async def _settle_one(self, batch: _Batch, error: Exception | None) -> None:
        last = batch.tags[-1]
        if error is not None:
            log.warning("batch failed; back to the queue", error=str(error), size=len(batch.tags))
            await batch.channel.basic_nack(last, multiple=True, requeue=True)
            return
        # not waiting for the frame to be written lets the next batch start sooner; the channel
        # writes frames in order, so a later nack never overtakes this ack
        await batch.channel.basic_ack(last, multiple=True, wait=False)
        for message_type, n in Counter(m.meta.type for m in batch.messages).items():
            MESSAGES_HANDLED.labels(type=message_type, result="ok").inc(n)

    async def _dead_letter(self, raw: DeliveredMessage, outcome: Outcome) -> None:
        delivery = _delivery(raw)
        with contextlib.suppress(Exception):
            await self._publisher.publish_raw(
                exchange_name="",
                routing_key=self._dlq,
                body=delivery.body,
                message_id=delivery.message_id,
                message_type=delivery.type,
                correlation_id=delivery.correlation_id,
                headers={**delivery.headers, **outcome.headers},
            )
            assert raw.delivery_tag is not None
            await raw.channel.basic_ack(raw.delivery_tag)
            MESSAGES_HANDLED.labels(type=delivery.type or "?", result=outcome.result).inc()

    async def stop(self, *, graceful: bool = True) -> None:
        """Stop taking deliveries (`graceful`: handle and settle what was received first), then
        close the channel: what is unsettled returns to the queue. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self._tag is not None:
            underlay, tag = self._tag
            with contextlib.suppress(Exception):
                await underlay.basic_cancel(tag)
        if graceful:
            self._cut()
        elif self._timer is not None:
            self._timer.cancel()
        self._buffer = self._timer = None
        try:
            if graceful:
                await self._batches.join()
        finally:  # also when the grace period cuts the wait short
            for worker in self._workers:
                worker.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
            await self._close_channel()

    async def drain(self) -> None:
        """Graceful `stop` (the bus awaits it when it stops consuming)."""
        await self.stop(graceful=True)

    async def _close_channel(self) -> None:
        channel = self._channel
        if channel is None:
            return
        channel.reopen_callbacks.discard(self._on_reopen)
        with contextlib.suppress(Exception):
            await channel.close()


def decode_batched(
    delivery: Delivery, *, types: frozenset[str] | None, service: str
) -> Typed | Outcome:
    """`decode_typed`, and a type outside `types` (when given) dead-lettered: no handler."""
    decoded = decode_typed(delivery)
    if isinstance(decoded, Outcome) or types is None or decoded.meta.type in types:
        return decoded
    return dead_lettered(f"{decoded.meta.type} has no handler in {service}")


def _delivery(raw: DeliveredMessage) -> Delivery:
    properties = raw.header.properties
    return Delivery(
        body=raw.body,
        message_id=properties.message_id or "",
        type=properties.message_type or "",
        correlation_id=properties.correlation_id,
        headers=properties.headers or {},
    )
