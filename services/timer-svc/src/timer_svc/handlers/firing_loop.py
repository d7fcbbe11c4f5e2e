"""Fires due deadlines: claim a batch (lease), publish it pipelined with confirms, mark it fired.

A drain runs three stages at once so the store and the broker work in parallel: the claimer
leases the next batch while the publisher waits for the confirms of the current one and the
previous batch is being marked. Batches are published one after the other, in due order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.clock import Clock
from aftersales_shared.errors import Unavailable
from aftersales_shared.messaging import Bus

from timer_svc.domain.deadlines import lateness_s
from timer_svc.handlers.metrics import FIRED, LATENESS, PENDING
from timer_svc.handlers.wire import fired
from timer_svc.ports import Claim, DeadlineStore

log = structlog.get_logger(__name__)


class NotAllFired(Unavailable):
    code = "deadlines_not_fired"


@dataclass(frozen=True)
class FiringSettings:
    batch: int = 1000
    lease_s: float = 30.0
    interval_s: float = 0.1
    pending_refresh_s: float = 5.0
    ahead: int = 2
    """How many claimed batches may wait for the publisher."""

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_s)


class Firer:
    def __init__(
        self,
        *,
        store: DeadlineStore,
        bus: Bus,
        clock: Clock,
        wall: Clock,
        settings: FiringSettings,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._wall = wall
        self._settings = settings
        self._lock = asyncio.Lock()
        self._firer = Periodic(self._fire_round, interval_s=settings.interval_s, name="timer-firer")
        self._gauge = Periodic(
            self._count_pending,
            interval_s=settings.pending_refresh_s,
            name="timer-pending-gauge",
        )

    async def drain(self, *, due_by: datetime | None, trigger: str) -> int:
        """Fire what is due by `due_by` (None: now, per batch) and unheld; how many fired."""
        queue: asyncio.Queue[Claim | None] = asyncio.Queue(maxsize=self._settings.ahead)
        marks: list[asyncio.Task[int]] = []
        stopping = asyncio.Event()

        async def claimer() -> None:
            try:
                while not stopping.is_set() and (
                    claim := await self._store.claim(
                        due_by=self._clock.now() if due_by is None else due_by,
                        wall=self._wall.now(),
                        lease=self._settings.lease,
                        limit=self._settings.batch,
                    )
                ):
                    if claim.deadlines:
                        await queue.put(claim)
            except Exception:
                await queue.put(None)  # the publisher is alive: let it finish what it has
                raise
            await queue.put(None)

        async def publisher() -> None:
            while (claim := await queue.get()) is not None:
                ids = await self._publish(claim)
                marks.append(asyncio.create_task(self._mark(claim, ids, trigger)))

        claiming = asyncio.create_task(claimer())
        try:
            await publisher()
            await claiming
        finally:
            # Not cancelled: a driver operation cancelled midway can break PyMongo's locks. The
            # claimer stops at its next step; claims it still makes are retried after the lease.
            stopping.set()
            while not claiming.done():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                await asyncio.wait({claiming}, timeout=0.05)
            claimed = None if claiming.cancelled() else claiming.exception()
            done = await asyncio.gather(*marks, return_exceptions=True)
        if claimed is not None:
            raise claimed
        errors = [d for d in done if isinstance(d, BaseException)]
        if errors:
            raise errors[0]
        return sum(d for d in done if isinstance(d, int))

    async def _publish(self, claim: Claim) -> list[str]:
        """Publish a claim's firings; the ids confirmed by the broker."""
        if self._wall.now() > claim.lease_until - self._settings.lease / 4:
            log.warning("lease nearly over before publishing; left for a takeover")
            return []
        fired_at = self._clock.now()
        messages = [fired(d, fired_at=fired_at) for d in claim.deadlines]
        results = await self._bus.publish_many(messages)
        ok = [d.deadline_id for d, error in zip(claim.deadlines, results, strict=True) if not error]
        if len(ok) < len(results):
            first = next(e for e in results if e is not None)
            log.error(
                "firings not confirmed; retried after the lease",
                failed=len(results) - len(ok),
                error=repr(first),
            )
        return ok

    async def _mark(self, claim: Claim, ids: list[str], trigger: str) -> int:
        fired_at = self._clock.now()
        marked = await self._store.mark_fired(claim, ids, fired_at=fired_at)
        wanted = set(ids)
        histogram = LATENESS.labels(trigger=trigger)
        for deadline in claim.deadlines:
            if deadline.deadline_id in wanted:
                histogram.observe(lateness_s(due=deadline.due, fired=fired_at))
        FIRED.labels(trigger=trigger).inc(marked)
        if marked < len(ids):
            log.info(
                "some fired deadlines were suspended or cancelled meanwhile",
                fired=len(ids),
                marked=marked,
            )
        return marked

    async def fire_until(self, *, due_by: datetime, timeout_s: float) -> int:
        """Fire, in due order, all that is due by `due_by`; wait for other replicas' too."""
        async with self._lock:
            return await self._fire_until(due_by=due_by, timeout_s=timeout_s)

    async def advance(self, *, move: Callable[[], Awaitable[datetime]], timeout_s: float) -> int:
        """Move the clock (`move` returns the new instant) and fire what falls due: no loop
        round runs in between, so the answer counts every firing of the jump."""
        async with self._lock:
            return await self._fire_until(due_by=await move(), timeout_s=timeout_s)

    async def _fire_until(self, *, due_by: datetime, timeout_s: float) -> int:
        deadline = time.monotonic() + timeout_s
        total = 0
        while True:
            total += await self.drain(due_by=due_by, trigger="advance")
            if not await self._store.any_due(due_by=due_by):
                return total
            if time.monotonic() > deadline:
                raise NotAllFired("some due deadlines were not confirmed in time", fired=total)
            await asyncio.sleep(0.05)

    def wake(self, due: datetime) -> None:
        """A deadline was armed: fire early if it is due before the next round."""
        if due <= self._clock.now() + timedelta(seconds=self._settings.interval_s):
            self._firer.wake()

    @property
    def running(self) -> bool:
        """The firing loop is alive."""
        return self._firer.running

    def start(self) -> None:
        self._firer.start()
        self._gauge.start()

    async def stop(self) -> None:
        await self._firer.stop()
        await self._gauge.stop()

    async def _fire_round(self) -> None:
        async with self._lock:
            await self.drain(due_by=None, trigger="loop")

    async def _count_pending(self) -> None:
        PENDING.set(await self._store.pending_count())
