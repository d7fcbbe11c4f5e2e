"""The store's client: PyMongo's async API, every command counted, and a ping that never hangs."""

from __future__ import annotations

import asyncio
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from aftersales_shared.metrics import STORE_COMMANDS

Doc = dict[str, Any]
PING_TIMEOUT_S = 0.5
SERVER_SELECTION_TIMEOUT_MS = 2000
"""A request fails (503) this soon when no store answers, instead of hanging ~11 s."""
_PINGS: set[asyncio.Task[bool]] = set()


class _CountCommands(monitoring.CommandListener):
    """Counts every command sent to the store (`store_commands_total`), by name."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        STORE_COMMANDS.labels(command=event.command_name).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def connect_mongo(url: str) -> AsyncMongoClient[Doc]:
    """A client that returns aware UTC datetimes; no I/O until first use."""
    return AsyncMongoClient(
        url,
        tz_aware=True,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        connect=False,
        event_listeners=[_CountCommands()],
    )


async def ping(db: AsyncDatabase[Doc], *, timeout_s: float = PING_TIMEOUT_S) -> bool:
    """True when the database answers within the timeout.

    Never a cancellation: cancelling PyMongo mid-operation (as `asyncio.wait_for` does) can
    leave its internal locks broken ("Lock is not acquired") and the client wedged. The ping
    runs under the driver's own timeout; an answer later than `timeout_s` is not waited for
    (the driver checks its deadline only now and then), the ping ends on its own soon after.
    """
    with pymongo.timeout(timeout_s):  # the task inherits the driver's deadline
        task = asyncio.ensure_future(_ping(db))
    _PINGS.add(task)  # held until it ends: the loop keeps only a weak reference
    task.add_done_callback(_PINGS.discard)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    return task in done and task.result()


async def _ping(db: AsyncDatabase[Doc]) -> bool:
    try:
        await db.command("ping")
    except PyMongoError:
        return False
    return True
