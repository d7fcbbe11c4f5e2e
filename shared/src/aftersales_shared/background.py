"""One mechanism for every background loop: relay, sweepers, gauges, week closing, firing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


class Periodic:
    """Runs a round again and again: at once while a round says there is more to do, otherwise
    after `interval_s` or soon after `wake()` (waiting `settle_s` so a burst of wakes is one round).
    A failing round is logged and tried again after the interval."""

    def __init__(
        self,
        round_: Callable[[], Awaitable[bool | None]],
        *,
        interval_s: float,
        name: str,
        settle_s: float = 0.0,
    ) -> None:
        self._round = round_
        self._interval = interval_s
        self._settle = settle_s
        self._name = name
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Run a round soon, not at the next interval."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                more = await self._round()
            except Exception:
                log.exception("background round failed; trying again", task=self._name)
                more = False
            if more:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
                if self._settle:
                    await asyncio.sleep(self._settle)
