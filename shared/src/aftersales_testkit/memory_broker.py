"""The queues of one namespace in memory, routed as RabbitMQ routes them (see `MemoryBus`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from aftersales_shared.contracts import QUEUES, MessageSpec, spec_for
from aftersales_shared.messaging import Delivery, Topology, Unroutable

BroadcastSink = Callable[[Delivery], Coroutine[Any, Any, None]]


class MemoryBroker:
    """Every service's queue, and the retry queue and DLQ of each service that connected."""

    def __init__(self, namespace: str = "memory") -> None:
        self.topology = Topology(namespace)
        self._queues: dict[str, asyncio.Queue[Delivery]] = {}
        self._sinks: list[tuple[frozenset[str], BroadcastSink]] = []

    def declare(self, service: str) -> None:
        """What `Bus.connect` declares: every queue (`QUEUES`), this one's retry queue and DLQ."""
        t = self.topology
        for name in (
            *(t.queue(q) for q in QUEUES),
            t.retry_queue(service),
            t.dead_letter_queue(service),
        ):
            self._queues.setdefault(name, asyncio.Queue())

    def queue(self, name: str) -> asyncio.Queue[Delivery]:
        """A declared queue; KeyError when it is not (or no longer) declared."""
        return self._queues[name]

    def delete_queue(self, name: str) -> None:
        """As `queue_delete`: its messages are gone and nothing routes to it."""
        self._queues.pop(name, None)

    def depth(self, name: str) -> int:
        """Messages ready in a queue."""
        return self._queues[name].qsize()

    def drain(self, name: str) -> list[Delivery]:
        """Take every message now ready in a queue."""
        queue, taken = self._queues[name], []
        while not queue.empty():
            taken.append(queue.get_nowait())
        return taken

    def put(self, name: str, delivery: Delivery) -> None:
        """Straight onto a queue, as the default exchange does; Unroutable when there is none."""
        queue = self._queues.get(name)
        if queue is None:
            raise Unroutable(f"no queue {name!r}")
        queue.put_nowait(delivery)

    def subscribe(self, types: frozenset[str], sink: BroadcastSink) -> Callable[[], None]:
        """Receive broadcasts of `types`; returns the unsubscribe."""
        entry = (types, sink)
        self._sinks.append(entry)
        return lambda: self._sinks.remove(entry) if entry in self._sinks else None

    def route(self, delivery: Delivery) -> list[asyncio.Task[None]]:
        """To the queue of every consumer of its type (broadcasts to every subscriber)."""
        spec = spec_for(delivery.type)
        if spec.broadcast:
            return [
                asyncio.create_task(sink(delivery))
                for types, sink in list(self._sinks)
                if spec.type in types
            ]
        targets = [q for q in self._consumer_queues(spec) if q is not None]
        if not targets:
            raise Unroutable(f"no queue bound for {spec.routing_key!r} ({spec.type})")
        for queue in targets:
            queue.put_nowait(delivery)
        return []

    def _consumer_queues(self, spec: MessageSpec) -> list[asyncio.Queue[Delivery] | None]:
        return [self._queues.get(self.topology.queue(service)) for service in spec.consumers]
