"""Deleting a namespace's exchange and queues: an operations and test helper."""

from __future__ import annotations

import contextlib

import aio_pika

from aftersales_shared.messaging.topology import Topology


async def delete_namespace(url: str, namespace: str) -> None:
    """Remove a namespace's exchange and queues (tests clean up after themselves with this)."""
    topology = Topology(namespace)
    connection = await aio_pika.connect(url)
    try:
        for name in topology.all_queues():
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
        channel = await connection.channel()
        with contextlib.suppress(Exception):
            await channel.exchange_delete(topology.exchange)
    finally:
        await connection.close()
