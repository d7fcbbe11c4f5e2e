"""The commands timer-svc takes: schedule, cancel, a batch of those, suspend, resume (all
idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts.messages import TimerBatch, TimerSchedule

from timer_svc.handlers.wire import from_schedule
from timer_svc.ports import DeadlineStore

log = structlog.get_logger(__name__)


@dataclass
class DeadlineCommands:
    """The use cases behind the timer commands; `on_armed(due)` lets the firer wake early."""

    store: DeadlineStore
    clock: Clock
    on_armed: Callable[[datetime], None]

    async def schedule(
        self, command: TimerSchedule, *, seller_id: str | None, correlation_id: str
    ) -> None:
        """Arm the deadline of a `timer.schedule`; a known id is kept as it is."""
        deadline = from_schedule(command, seller_id=seller_id, correlation_id=correlation_id)
        if await self.store.schedule(deadline, now=self.clock.now()):
            self.on_armed(deadline.due)
        else:
            log.info("deadline known already; kept as it is", deadline_id=deadline.deadline_id)

    async def cancel(self, deadline_id: str) -> None:
        if not await self.store.cancel(deadline_id):
            log.info("nothing to cancel", deadline_id=deadline_id)

    async def batch(
        self, command: TimerBatch, *, seller_id: str | None, correlation_id: str
    ) -> None:
        """Each step of a `timer.batch` in its order, as its own message would be handled; a
        redelivery after a crash mid-way repeats the steps done, each a no-op the second time."""
        for step in command.steps:
            if isinstance(step, TimerSchedule):
                await self.schedule(step, seller_id=seller_id, correlation_id=correlation_id)
            else:
                await self.cancel(step.deadline_id)

    async def suspend(self, order_id: str) -> None:
        count = await self.store.suspend(order_id, now=self.clock.now())
        log.info("deadlines suspended", order_id=order_id, count=count)

    async def resume(self, order_id: str) -> None:
        count = await self.store.resume(order_id, now=self.clock.now())
        log.info("deadlines resumed", order_id=order_id, count=count)
        if count:
            self.on_armed(self.clock.now())
