"""The names declared on the broker for one namespace, and their declaration."""

from __future__ import annotations

from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange
from aiormq.abc import FieldTable

from aftersales_shared.contracts import QUEUES, SERVICES, consumed_by, retired_bindings

QUORUM: FieldTable = {"x-queue-type": "quorum"}


@dataclass(frozen=True)
class Topology:
    """The names of everything declared on the broker for one namespace."""

    namespace: str

    @property
    def exchange(self) -> str:
        return self.namespace

    def queue(self, service: str) -> str:
        return f"{self.namespace}.{service}"

    def retry_queue(self, service: str) -> str:
        return f"{self.namespace}.{service}.retry"

    def dead_letter_queue(self, service: str) -> str:
        return f"{self.namespace}.{service}.dlq"

    def all_queues(self) -> list[str]:
        return [
            *(self.queue(name) for name in QUEUES),
            *(
                name
                for service in SERVICES
                for name in (self.retry_queue(service), self.dead_letter_queue(service))
            ),
        ]


async def declare(
    channel: AbstractChannel, topology: Topology, *, service: str, retry_delay_ms: int
) -> AbstractExchange:
    """Every queue (`QUEUES`) and its bindings (an earlier release's retired ones unbound), and
    this service's retry and dead-letter queues."""
    exchange = await channel.declare_exchange(
        topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    for name in QUEUES:
        queue = await channel.declare_queue(topology.queue(name), durable=True, arguments=QUORUM)
        for spec in consumed_by(name):
            await queue.bind(exchange, routing_key=spec.routing_key)
        for routing_key in retired_bindings(name):
            await queue.unbind(exchange, routing_key=routing_key)
    await channel.declare_queue(topology.dead_letter_queue(service), durable=True, arguments=QUORUM)
    await channel.declare_queue(
        topology.retry_queue(service),
        durable=True,
        arguments={
            "x-message-ttl": retry_delay_ms,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": topology.queue(service),
        },
    )
    return exchange
