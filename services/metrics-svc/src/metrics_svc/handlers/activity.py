"""Active or standby: ingestion, checkpoints and the week closer run only under the lease.

The holder renews its lease on a loop of its own (so a long rebuild of the counters does not
let it lapse); a standby tries to take it every round and, until then, refreshes its read-only
copy of the counters now and then (for the API it still serves). When the active one dies its
lease runs out and a standby takes over within `ttl + interval`: it rebuilds the counters from
the store (pages and the facts after the watermark) and starts consuming; the broker redelivers
what the dead one had not acknowledged.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import structlog
from aftersales_shared.background import Periodic

from metrics_svc.handlers.metrics import ACTIVE
from metrics_svc.ports import Lease

log = structlog.get_logger(__name__)

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
        self._holding = False
        """The lease is ours (from taking it until stepping down), activation included."""
        self._lost = False
        self._stop: Stop | None = None
        self._loop = Periodic(self.round, interval_s=interval_s, name="metrics-lease")
        self._renewals = Periodic(self._renew, interval_s=interval_s, name="metrics-renew")

    @property
    def active(self) -> bool:
        return self._stop is not None

    async def start(self) -> None:
        """A round at once (a lone process is active when this returns), then every interval."""
        self._renewals.start()
        await self.round()
        self._loop.start()

    async def _renew(self) -> bool:
        if not self._holding or self._lost:
            return False
        try:
            kept = await self.lease.renew()
        except Exception:
            log.exception("lease renewal failed")
            kept = self.lease.held()
        if not kept:
            log.error("lease lost: stepping down to standby", owner=self.lease.owner)
            self._lost = True
        return False

    async def round(self) -> bool:
        """Step down if the lease was lost; else, as a standby, try to take it or refresh."""
        if self._holding:
            if self._lost:
                await self._step_down(graceful=False)
            return False
        if await self.lease.try_acquire():
            log.info("lease taken: this process is now the active metrics-svc")
            self._holding, self._lost = True, False
            try:
                self._stop = await self._activate()
            except Exception:
                self._holding = False
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
        try:
            if stop is not None:
                await stop(graceful)  # renewals go on meanwhile: a graceful stop checkpoints
        finally:
            self._holding = False

    async def stop(self) -> None:
        """Graceful stop: the active part writes what it received, then the lease is released."""
        await self._loop.stop()
        was_holding = self._holding
        await self._step_down(graceful=True)
        await self._renewals.stop()
        if was_holding:
            await self.lease.release()
