"""Stopping within the grace period: bounded shutdown steps, and a watchdog behind them.

A shutdown step that talks to a store which is down must not hold the process: each step runs
under a driver timeout (PyMongo gives up by itself, nothing is cancelled mid-operation) and is
left behind if it still overruns. The watchdog ends the process if the whole shutdown does not.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from types import FrameType

import pymongo
import structlog
import uvicorn

log = structlog.get_logger(__name__)
STEP_BUDGET_S = 2.0
WATCHDOG_MARGIN_S = 3.0


async def bounded(step: Callable[[], Awaitable[None]], *, name: str, budget_s: float) -> None:
    """Run one shutdown step for at most `budget_s`; one that overruns is left behind, logged."""
    with pymongo.timeout(budget_s):  # the step's task inherits the driver's deadline
        task = asyncio.ensure_future(step())
    done, _ = await asyncio.wait({task}, timeout=budget_s)
    if not done:
        task.cancel()
        log.error("shutdown step overran its budget; left behind", step=name, budget_s=budget_s)
    elif not task.cancelled() and (error := task.exception()) is not None:
        log.error("shutdown step failed", step=name, error=repr(error))


async def stop_all(
    steps: Sequence[tuple[str, Callable[[], Awaitable[None]] | None]], *, budget_s: float
) -> None:
    """Run the steps in order, all of them within `budget_s` together (each gets what is left)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    for name, step in steps:
        if step is not None:
            await bounded(step, name=name, budget_s=max(0.1, deadline - loop.time()))


class GracefulServer(uvicorn.Server):
    """uvicorn's server with a watchdog: the process ends at most `limit_s` after SIGTERM."""

    def __init__(self, config: uvicorn.Config, *, limit_s: float) -> None:
        super().__init__(config)
        self._limit_s = limit_s
        self._watchdog: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Timer(self._limit_s, _exit_now, args=(self._limit_s,))
            self._watchdog.daemon = True
            self._watchdog.start()
        super().handle_exit(sig, frame)


def _exit_now(limit_s: float) -> None:
    log.error("shutdown did not end in time; exiting now", limit_s=limit_s)
    os._exit(1)
