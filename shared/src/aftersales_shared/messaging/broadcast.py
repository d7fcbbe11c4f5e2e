"""Broadcast messages: every running process receives them on a queue of its own."""

from __future__ import annotations

from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from aftersales_shared.contracts import spec_for
from aftersales_shared.messaging.consumer import Consumers, delivery_of
from aftersales_shared.messaging.delivery import Received
from aftersales_shared.messaging.middleware import Handle, decode
from aftersales_shared.messaging.topology import Topology


async def subscribe(
    connection: AbstractRobustConnection,
    *,
    topology: Topology,
    types: list[str],
    handle: Handle,
    consumers: Consumers,
) -> None:
    """An exclusive, auto-deleted queue bound to `types`; a failure drops the message."""
    specs = [spec_for(message_type) for message_type in types]
    for spec in specs:
        if not spec.broadcast:
            raise ValueError(f"{spec.type} is not a broadcast message")
    channel = await connection.channel()
    exchange = await channel.get_exchange(topology.exchange)
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    for spec in specs:
        await queue.bind(exchange, routing_key=spec.routing_key)

    async def on_message(raw: AbstractIncomingMessage) -> None:
        async with raw.process(requeue=False, ignore_processed=True):
            decoded = decode(delivery_of(raw))
            if isinstance(decoded, Received):
                await handle(decoded)

    consumers.add(queue, await queue.consume(on_message))
