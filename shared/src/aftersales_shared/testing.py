"""Helpers for tests and benchmarks: waiting by polling, free ports, tokens."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from aftersales_shared.auth import Role, issue_token

T = TypeVar("T")
TEST_SECRET = "test-secret-0123456789abcdef"


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float = 15.0,  # noqa: ASYNC109 - a polling budget, not a cancellation scope
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
