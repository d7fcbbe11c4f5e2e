"""The background worker that finishes interrupted deliveries and operators' retries."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from sms_svc.handlers import SmsService

log = structlog.get_logger(__name__)


class Sweeper:
    """Every interval (or at once when woken), deliver the QUEUED messages nobody holds."""

    def __init__(self, service: SmsService, *, interval_s: float) -> None:
        self._service = service
        self._interval = interval_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sms-sweeper")

    def wake(self) -> None:
        """Look now, not at the next interval (an operator re-queued a message)."""
        self._wake.set()

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
                done = await self._service.sweep_once()
            except Exception:
                log.exception("sms sweep failed")
                done = 0
            if done:
                log.info("sms sweep delivered queued messages", count=done)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
