"""The bus of one process: a connection, a confirming publisher and this service's consumers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from aio_pika.abc import AbstractRobustConnection

from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import broadcast
from aftersales_shared.messaging.batch import BatchConsumer, BatchHandler
from aftersales_shared.messaging.connection import connect, is_up
from aftersales_shared.messaging.consumer import Consumers, Settler
from aftersales_shared.messaging.handlers import Handler, Router, as_handle
from aftersales_shared.messaging.middleware import pipeline
from aftersales_shared.messaging.publisher import AmqpPublisher
from aftersales_shared.messaging.topology import Topology, declare
from aftersales_shared.ports import Inbox


class Bus:
    """One connection per process: a confirming publisher and this service's consumers."""

    def __init__(
        self,
        *,
        url: str,
        namespace: str,
        service: str,
        prefetch: int = 32,
        max_retries: int = 5,
        retry_delay_ms: int = 1000,
        publish_timeout_s: float = 10.0,
        connect_timeout_s: float = 60.0,
        shutdown_grace_s: float = 20.0,
        connection_name: str | None = None,
    ) -> None:
        self.topology = Topology(namespace)
        self.connection_name = connection_name or f"{namespace}/{service}"
        self.service = service
        self._url = url
        self._max_retries = max_retries
        self._retry_delay_ms = retry_delay_ms
        self._connect_timeout = connect_timeout_s
        self._grace = shutdown_grace_s
        self._connection: AbstractRobustConnection | None = None
        self._publisher = AmqpPublisher(exchange=namespace, timeout_s=publish_timeout_s)
        self._consumers = Consumers(prefetch=prefetch)
        self._settler = Settler(publisher=self._publisher, topology=self.topology, service=service)
        self._closing = False
        self._publish_raw = self._publisher.publish_raw

    async def connect(self) -> None:
        """Connect (retrying until the connect timeout) and declare the whole topology."""
        self._connection = await connect(
            self._url, name=self.connection_name, timeout_s=self._connect_timeout
        )
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        self._publisher.channel = channel
        await declare(
            channel, self.topology, service=self.service, retry_delay_ms=self._retry_delay_ms
        )

    async def publish(self, message: Envelope) -> None:
        """Publish and wait for the broker's confirm; Unroutable when no queue takes it."""
        await self._publisher.publish(message)

    async def publish_stored(self, stored: Mapping[str, Any]) -> None:
        """Publish a message in its stored form (`contracts.stored_form`)."""
        await self._publisher.publish_stored(stored)

    async def publish_many_stored(
        self, messages: Iterable[Mapping[str, Any]]
    ) -> list[BaseException | None]:
        """`publish_stored` concurrently (confirms pipelined); per message None, or the error."""
        return await self._publisher.publish_many_stored(messages)

    async def publish_many(self, messages: Iterable[Envelope]) -> list[BaseException | None]:
        """Publish concurrently (confirms pipelined); per message None, or the error."""
        return await self._publisher.publish_many(messages)

    @property
    def ready(self) -> bool:
        """Connected, and every consumer that was started is attached."""
        return is_up(self._connection) and not self._closing

    async def consume(self, handler: Handler | Router, *, inbox: Inbox | None = None) -> None:
        """Start consuming this service's queue; each message runs `handler` once in effect.

        A message whose envelope or payload does not validate goes to the DLQ at once."""
        consume = pipeline(as_handle(handler), inbox=inbox, max_retries=self._max_retries)
        await self._consumers.start(
            self._connected(),
            queue_name=self.topology.queue(self.service),
            consume=consume,
            settler=self._settler,
        )

    async def consume_batches(
        self,
        handler: BatchHandler,
        *,
        size: int,
        delay_s: float,
        in_flight: int = 2,
        types: Iterable[str] | None = None,
        queue: str | None = None,
    ) -> BatchConsumer:
        """Consume this service's queue (or `queue`, another of `QUEUES`) a batch at a time
        (see `messaging.batch`); a message of a type not in `types` (when given) goes to the
        service's dead-letter queue. Stop it alone with `stop`."""
        batches = BatchConsumer(
            handler=handler,
            size=size,
            delay_s=delay_s,
            in_flight=in_flight,
            publisher=self._publisher,
            dead_letter_queue=self.topology.dead_letter_queue(self.service),
            types=types,
            service=self.service,
        )
        name = self.topology.queue(queue or self.service)
        await batches.start(self._connected(), queue_name=name)
        self._consumers.add_closer(batches.drain)
        return batches

    async def consume_broadcast(self, types: Iterable[str], handler: Handler | Router) -> None:
        """Receive broadcast messages in this process (an exclusive, auto-deleted queue)."""
        await broadcast.subscribe(
            self._connected(),
            topology=self.topology,
            types=list(types),
            handle=as_handle(handler),
            consumers=self._consumers,
        )

    def _connected(self) -> AbstractRobustConnection:
        if self._connection is None:
            raise ConnectionError("connect() first")
        return self._connection

    async def stop_consuming(self) -> None:
        """Stop taking messages and let in-flight ones finish (bounded by the grace period)."""
        self._closing = True
        await self._consumers.stop(grace_s=self._grace)

    async def close(self) -> None:
        """Stop consuming (gracefully), then close the connection; unacked messages return."""
        await self.stop_consuming()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection = None
        self._publisher.channel = None
