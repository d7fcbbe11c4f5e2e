"""The two transports the bus contract runs against: the real RabbitMQ and the in-memory bus."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import BatchHandler, Bus, Delivery, Handler, Inbox, Router
from aftersales_shared.messaging.consumer import delivery_of
from aftersales_testkit import MemoryBroker, MemoryBus, depth, drain


class Batches(Protocol):
    """A batch consumer, stopped alone."""

    @property
    def ready(self) -> bool: ...
    async def stop(self, *, graceful: bool = True) -> None: ...


class AnyBus(Protocol):
    """What both buses offer (the interface services use)."""

    service: str

    async def connect(self) -> None: ...
    async def publish(self, message: Envelope) -> None: ...
    async def consume(self, handler: Handler | Router, *, inbox: Inbox | None = None) -> None: ...
    async def consume_batches(
        self,
        handler: BatchHandler,
        *,
        size: int,
        delay_s: float,
        in_flight: int = 2,
        types: Iterable[str] | None = None,
        queue: str | None = None,
    ) -> Batches: ...
    async def consume_broadcast(self, types: list[str], handler: Handler | Router) -> None: ...
    async def close(self) -> None: ...


class Transport(Protocol):
    """Makes connected buses of one namespace and looks into its queues."""

    namespace: str

    async def bus(self, service: str, **options: Any) -> AnyBus: ...
    async def depth(self, queue: str) -> int: ...
    async def drain(self, queue: str) -> list[Delivery]: ...
    async def put_raw(self, queue: str, *, body: bytes, message_type: str) -> None: ...
    async def delete_queue(self, queue: str) -> None: ...
    async def close(self) -> None: ...


class RabbitTransport:
    def __init__(self, *, url: str, namespace: str) -> None:
        self._url, self.namespace = url, namespace
        self._buses: list[Bus] = []

    async def bus(self, service: str, **options: Any) -> AnyBus:
        bus = Bus(url=self._url, namespace=self.namespace, service=service, **options)
        await bus.connect()
        self._buses.append(bus)
        return bus

    async def depth(self, queue: str) -> int:
        return await depth(self._url, queue)

    async def drain(self, queue: str) -> list[Delivery]:
        return [delivery_of(raw) for raw in await drain(self._url, queue)]

    async def put_raw(self, queue: str, *, body: bytes, message_type: str) -> None:
        await self._buses[0]._publish_raw(
            exchange_name="",
            routing_key=queue,
            body=body,
            message_id="raw",
            message_type=message_type,
            correlation_id=None,
        )

    async def delete_queue(self, queue: str) -> None:
        connection = self._buses[0]._connection
        assert connection is not None
        channel = await connection.channel()
        await channel.queue_delete(queue)

    async def close(self) -> None:
        for bus in self._buses:
            await bus.close()


class MemoryTransport:
    def __init__(self, *, namespace: str) -> None:
        self.namespace = namespace
        self.broker = MemoryBroker(namespace)
        self._buses: list[MemoryBus] = []

    async def bus(self, service: str, **options: Any) -> AnyBus:
        options.pop("publish_timeout_s", None)
        bus = MemoryBus(self.broker, service=service, **options)
        await bus.connect()
        self._buses.append(bus)
        return bus

    async def depth(self, queue: str) -> int:
        return self.broker.depth(queue)

    async def drain(self, queue: str) -> list[Delivery]:
        return self.broker.drain(queue)

    async def put_raw(self, queue: str, *, body: bytes, message_type: str) -> None:
        self.broker.put(
            queue, Delivery(body=body, message_id="raw", type=message_type, correlation_id=None)
        )

    async def delete_queue(self, queue: str) -> None:
        self.broker.delete_queue(queue)

    async def close(self) -> None:
        for bus in self._buses:
            await bus.close()
