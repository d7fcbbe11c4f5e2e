"""One robust connection to RabbitMQ, retried at startup until a deadline."""

from __future__ import annotations

import asyncio

import aio_pika
import aiormq
import structlog
from aio_pika.abc import AbstractRobustConnection

log = structlog.get_logger(__name__)

TRANSIENT = (
    aiormq.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelInvalidStateError,
    ConnectionError,
    asyncio.TimeoutError,
)
"""Errors a publish retries until its deadline: the robust connection is coming back."""

FRAME_BUFFER = 4096
"""Publishes queued for the connection's writer before a publisher waits for room.

aiormq's default is 10: the 11th publish of a turn of the event loop waits for the writer while
holding the channel's lock, and from then on every publish waits for the one before it to hand
the lock over, one publish per turn of the loop. On a busy service (a turn takes milliseconds)
that held the outbox relay to a few dozen messages a second while the HTTP load lasted. aiormq
reads it from the class when a connection is made, so `connect` sets it then (not at import)."""


async def connect(url: str, *, name: str, timeout_s: float) -> AbstractRobustConnection:
    """Connect, retrying with backoff until `timeout_s`; ConnectionError after that."""
    aiormq.connection.Connection.FRAME_BUFFER_SIZE = max(
        aiormq.connection.Connection.FRAME_BUFFER_SIZE, FRAME_BUFFER
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    delay = 0.2
    while True:
        try:
            return await aio_pika.connect_robust(
                url, reconnect_interval=1, client_properties={"connection_name": name}
            )
        except (*TRANSIENT, OSError) as exc:
            if loop.time() + delay > deadline:
                raise ConnectionError(f"RabbitMQ unreachable at startup: {exc}") from exc
            log.warning("broker not reachable yet, retrying", error=str(exc), delay=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def is_up(connection: AbstractRobustConnection | None) -> bool:
    """The connection exists, is open and is connected right now."""
    return connection is not None and not connection.is_closed and connection.connected.is_set()
