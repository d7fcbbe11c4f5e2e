"""A bus with `Bus`'s interface over a `MemoryBroker`, for service-layer tests without RabbitMQ.

Deliveries go through the same middleware as on RabbitMQ (`messaging.pipeline`), so payload
validation, retries via the retry queue, dead-lettering with `x-failure-reason`, the inbox and
metrics behave alike; the contract tests run against both.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import (
    Delivery,
    Handler,
    Inbox,
    Outcome,
    Router,
    pipeline,
    stored_form,
)
from aftersales_shared.messaging.handlers import as_handle
from aftersales_shared.messaging.middleware import Consume, decode
from aftersales_shared.metrics import MESSAGES_PUBLISHED

from aftersales_testkit.memory_batches import BatchHandler, MemoryBatches
from aftersales_testkit.memory_broker import MemoryBroker


class MemoryInbox:
    """An `Inbox` in a set."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    async def seen(self, message_id: str) -> bool:
        return message_id in self.ids

    async def record(self, message_id: str) -> None:
        self.ids.add(message_id)


class MemoryBus:
    """One service's bus on a shared `MemoryBroker`."""

    def __init__(
        self,
        broker: MemoryBroker,
        *,
        service: str,
        prefetch: int = 32,
        max_retries: int = 5,
        retry_delay_ms: int = 1000,
        shutdown_grace_s: float = 20.0,
    ) -> None:
        self.broker, self.service, self.topology = broker, service, broker.topology
        self.connection_name = f"{broker.topology.namespace}/{service}"
        self._prefetch, self._max_retries = prefetch, max_retries
        self._retry_delay, self._grace = retry_delay_ms / 1000, shutdown_grace_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._batches: list[MemoryBatches] = []
        self._unsubscribe: list[Any] = []
        self._connected = self._closing = False

    async def connect(self) -> None:
        """Declare this service's queues on the broker."""
        self.broker.declare(self.service)
        self._connected = True

    @property
    def ready(self) -> bool:
        """Connected and not shutting down."""
        return self._connected and not self._closing

    async def publish(self, message: Envelope) -> None:
        """Route a message; Unroutable when no queue takes it."""
        await self.publish_stored(stored_form(message))

    async def publish_stored(self, stored: Mapping[str, Any]) -> None:
        """Route a message in its stored form."""
        delivery = Delivery(
            body=str(stored["body"]).encode(),
            message_id=str(stored["id"]),
            type=str(stored["type"]),
            correlation_id=stored.get("correlation_id"),
        )
        self._tasks.update(self.broker.route(delivery))
        MESSAGES_PUBLISHED.labels(type=delivery.type).inc()

    async def publish_many_stored(
        self, messages: Iterable[Mapping[str, Any]]
    ) -> list[BaseException | None]:
        """`publish_stored` each; per message None, or the error."""
        return [await _error_of(self.publish_stored(m)) for m in messages]

    async def publish_many(self, messages: Iterable[Envelope]) -> list[BaseException | None]:
        """`publish` each; per message None, or the error."""
        return [await _error_of(self.publish(m)) for m in messages]

    async def consume(self, handler: Handler | Router, *, inbox: Inbox | None = None) -> None:
        """Consume this service's queue through the same middleware as the RabbitMQ bus."""
        consume = pipeline(as_handle(handler), inbox=inbox, max_retries=self._max_retries)
        self._loops.append(asyncio.create_task(self._run(consume)))

    async def consume_batches(
        self,
        handler: BatchHandler,
        *,
        size: int,
        delay_s: float,
        in_flight: int = 2,
        types: Iterable[str] | None = None,
        queue: str | None = None,
    ) -> MemoryBatches:
        """Consume this service's queue (or `queue`) a batch at a time (in memory, one batch
        after another: `in_flight` is accepted for `Bus`'s interface); stop it alone with
        `stop`."""
        batches = MemoryBatches(
            self.broker.queue(self.topology.queue(queue or self.service)),
            handler,
            size=size,
            delay_s=delay_s,
            settle=self._settle,
            types=types,
            service=self.service,
        )
        self._batches.append(batches)
        return batches

    async def consume_broadcast(self, types: Iterable[str], handler: Handler | Router) -> None:
        """Receive broadcasts of `types` in this bus; a failure drops the message."""
        handle = as_handle(handler)

        async def sink(delivery: Delivery) -> None:
            decoded = decode(delivery)
            if not isinstance(decoded, Outcome):
                with contextlib.suppress(Exception):
                    await handle(decoded)

        self._unsubscribe.append(self.broker.subscribe(frozenset(types), sink))

    async def _run(self, consume: Consume) -> None:
        queue = self.broker.queue(self.topology.queue(self.service))
        slots = asyncio.Semaphore(self._prefetch)
        while True:
            await slots.acquire()
            delivery = await queue.get()
            task = asyncio.create_task(self._one(consume, delivery, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda _: slots.release())

    async def _one(
        self, consume: Consume, delivery: Delivery, queue: asyncio.Queue[Delivery]
    ) -> None:
        try:
            self._settle(delivery, await consume(delivery))
        except Exception:
            queue.put_nowait(delivery)  # as a nack with requeue

    def _settle(self, delivery: Delivery, outcome: Outcome) -> None:
        if outcome.action == "ack":
            return
        moved = Delivery(
            body=delivery.body,
            message_id=delivery.message_id,
            type=delivery.type,
            correlation_id=delivery.correlation_id,
            headers={**delivery.headers, **outcome.headers},
        )
        if outcome.action == "dead_letter":
            self.broker.put(self.topology.dead_letter_queue(self.service), moved)
            return
        retry = self.topology.retry_queue(self.service)
        self.broker.put(retry, moved)
        asyncio.get_running_loop().call_later(self._retry_delay, self._expire, retry)

    def _expire(self, retry_queue: str) -> None:
        """The retry queue's TTL: its oldest message goes back to the service's queue."""
        with contextlib.suppress(KeyError, asyncio.QueueEmpty):
            expired = self.broker.queue(retry_queue).get_nowait()
            self.broker.put(self.topology.queue(self.service), expired)

    async def stop_consuming(self) -> None:
        """Stop taking messages and let in-flight ones finish (bounded by the grace period)."""
        self._closing = True
        for loop in self._loops:
            loop.cancel()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._loops, self._unsubscribe = [], []
        batches, self._batches = self._batches, []
        for consumer in batches:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(consumer.stop(graceful=True), self._grace)
            await consumer.stop(graceful=False)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self._grace)

    async def close(self) -> None:
        """Stop consuming; the bus is no longer connected."""
        await self.stop_consuming()
        self._connected = False


async def _error_of(publishing: Any) -> BaseException | None:
    try:
        await publishing
    except Exception as exc:
        return exc
    return None
