"""Active or standby: ingestion, checkpoints and the week closer run only under the lease.

Every round the active process renews its lease; a standby tries to take it and, until then,
refreshes its read-only copy of the counters now and then (for the API it still serves). When
the active one dies its lease runs out and a standby takes over within `ttl + interval`: it
rebuilds the counters from the store (pages and the facts after the watermark) and starts
consuming; the broker redelivers what the dead one had not acknowledged.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import structlog
from aftersales_shared.background import Periodic
from prometheus_client import Gauge

from metrics_svc.adapters.lease import Lease

log = structlog.get_logger(__name__)
ACTIVE = Gauge("metrics_active", "1 while this metrics-svc process is the active one")

Stop = Callable[[bool], Awaitable[None]]
"""Stops the active part; True for a graceful stop (write what was received), False to abort."""


class Activity:
    def __init__(
        self,
        *,
        lease: Lease,
        activate: Callable[[], Awaitable[Stop]],
        refresh: Callable[[], Awaitable[None]],
        interval_s: float,
        refresh_s: float,
    ) -> None:
        self.lease, self._activate, self._refresh = lease, activate, refresh
        self._refresh_s, self._refreshed = refresh_s, time.monotonic()
        self._stop: Stop | None = None
        self._loop = Periodic(self.round, interval_s=interval_s, name="metrics-lease")

    @property
    def active(self) -> bool:
        return self._stop is not None

    async def start(self) -> None:
        """A round at once (a lone process is active when this returns), then every interval."""
        await self.round()
        self._loop.start()

    async def round(self) -> bool:
        """Renew or take the lease; start or stop the active part accordingly."""
        if self._stop is not None:
            try:
                kept = await self.lease.renew()
            except Exception:
                log.exception("lease renewal failed")
                kept = self.lease.held()
            if not kept:
                log.error("lease lost: stepping down to standby", owner=self.lease.owner)
                await self._step_down(graceful=False)
            return False
        if await self.lease.try_acquire():
            log.info("lease taken: this process is now the active metrics-svc")
            try:
                self._stop = await self._activate()
            except Exception:
                await self.lease.release()
                raise
            ACTIVE.set(1)
        elif time.monotonic() - self._refreshed >= self._refresh_s:
            await self._refresh()
            self._refreshed = time.monotonic()
        return False

    async def _step_down(self, *, graceful: bool) -> None:
        stop, self._stop = self._stop, None
        ACTIVE.set(0)
        if stop is not None:
            await stop(graceful)

    async def stop(self) -> None:
        """Graceful stop: the active part writes what it received, then the lease is released."""
        await self._loop.stop()
        was_active = self.active
        await self._step_down(graceful=True)
        if was_active:
            await self.lease.release()
