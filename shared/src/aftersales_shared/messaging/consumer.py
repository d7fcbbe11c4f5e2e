"""Consuming a service's queue from RabbitMQ: each delivery through the pipeline, then settled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator

import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection

from aftersales_shared.messaging.delivery import Delivery, Outcome
from aftersales_shared.messaging.middleware import Consume
from aftersales_shared.messaging.publisher import AmqpPublisher
from aftersales_shared.messaging.topology import Topology

log = structlog.get_logger(__name__)


def delivery_of(raw: AbstractIncomingMessage) -> Delivery:
    """The transport-neutral view of an aio-pika delivery."""
    return Delivery(
        body=raw.body,
        message_id=raw.message_id or "",
        type=raw.type or "",
        correlation_id=raw.correlation_id,
        headers=raw.headers or {},
    )


class Settler:
    """Carries out an outcome on RabbitMQ: ack, or a copy to the retry queue or DLQ, then ack."""

    def __init__(self, *, publisher: AmqpPublisher, topology: Topology, service: str) -> None:
        self._publisher = publisher
        self._queues = {
            "retry": topology.retry_queue(service),
            "dead_letter": topology.dead_letter_queue(service),
        }

    async def settle(self, raw: AbstractIncomingMessage, outcome: Outcome) -> None:
        """Ack when done with; else publish a copy (with the outcome's headers) first."""
        if outcome.action != "ack":
            await self._publisher.publish_raw(
                exchange_name="",
                routing_key=self._queues[outcome.action],
                body=raw.body,
                message_id=raw.message_id or "",
                message_type=raw.type or "",
                correlation_id=raw.correlation_id,
                headers={**(raw.headers or {}), **outcome.headers},
            )
        await raw.ack()


class Consumers:
    """This process's consumers: started on their own channels, cancelled and drained at stop."""

    def __init__(self, *, prefetch: int) -> None:
        self._prefetch = prefetch
        self._tags: list[tuple[AbstractQueue, str]] = []
        self._closers: list[Callable[[], Awaitable[None]]] = []
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(
        self,
        connection: AbstractRobustConnection,
        *,
        queue_name: str,
        consume: Consume,
        settler: Settler,
    ) -> None:
        """Consume `queue_name`: each delivery runs `consume`, then `settler` settles it."""
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self._prefetch)
        queue = await channel.get_queue(queue_name, ensure=True)

        async def on_message(raw: AbstractIncomingMessage) -> None:
            with self._tracked():
                try:
                    await settler.settle(raw, await consume(delivery_of(raw)))
                except Exception:
                    log.exception("could not settle a message; it goes back to the queue")
                    with contextlib.suppress(Exception):
                        await raw.nack(requeue=True)

        self.add(queue, await queue.consume(on_message))

    def add(self, queue: AbstractQueue, tag: str) -> None:
        """Cancel this consumer at stop."""
        self._tags.append((queue, tag))

    def add_closer(self, closer: Callable[[], Awaitable[None]]) -> None:
        """Await `closer` at stop, within the grace period (a batch consumer drains itself)."""
        self._closers.append(closer)

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """Count a delivery in flight, so stop waits for it."""
        self._inflight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def stop(self, *, grace_s: float) -> None:
        """Stop taking messages and let in-flight ones finish (bounded by the grace period)."""
        tags, self._tags = self._tags, []
        closers, self._closers = self._closers, []
        for queue, tag in tags:
            with contextlib.suppress(Exception):
                await queue.cancel(tag)
        try:
            async with asyncio.timeout(grace_s):
                for close in closers:
                    await close()
                await self._idle.wait()
        except TimeoutError:
            log.warning("shutdown grace elapsed; unfinished messages return to the queue")
