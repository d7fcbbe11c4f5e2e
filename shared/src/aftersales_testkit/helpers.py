"""Helpers for tests and benchmarks: waiting by polling, free ports, tokens, queues."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import aio_pika
from aftersales_shared.auth import Role, issue_token
from aio_pika.abc import AbstractIncomingMessage

T = TypeVar("T")
TEST_SECRET = "test-secret-0123456789abcdef-0123456789"


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float = 120.0,  # noqa: ASYNC109 - a polling budget, not a cancellation scope
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll `probe` until it returns a truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = await probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s (last: {last!r})")
        await asyncio.sleep(interval)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def token(
    role: Role | str,
    *,
    sub: str = "tester",
    seller_id: str | None = None,
    secret: str = TEST_SECRET,
) -> str:
    """A signed bearer token for tests."""
    return issue_token(
        secret=secret, sub=sub, role=role, seller_id=seller_id, now=datetime.now(UTC)
    )


def bearer(role: Role | str, **kwargs: str | None) -> dict[str, str]:
    """An Authorization header for tests."""
    return {"Authorization": f"Bearer {token(role, **kwargs)}"}  # type: ignore[arg-type]


async def drain(amqp_url: str, queue_name: str) -> list[AbstractIncomingMessage]:
    """Take (and ack) every message now ready in a queue."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name, ensure=True)
        taken: list[AbstractIncomingMessage] = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            taken.append(message)
        return taken
    finally:
        await connection.close()


async def depth(amqp_url: str, queue_name: str) -> int:
    """Messages ready in a queue (not counting unacknowledged ones)."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        return int(queue.declaration_result.message_count or 0)
    finally:
        await connection.close()


def close_connections_named(name: str) -> int:
    """Force-close the broker connections whose client named itself `name` (others untouched)."""
    listing = subprocess.run(
        ["rabbitmqctl", "list_connections", "pid", "client_properties", "-q", "--no-table-headers"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = [
        line.split("\t")[0]
        for line in listing.splitlines()
        if f'{{"connection_name","{name}"}}' in line
    ]
    for pid in pids:
        subprocess.run(
            ["rabbitmqctl", "close_connection", pid, "test"], check=True, capture_output=True
        )
    return len(pids)
