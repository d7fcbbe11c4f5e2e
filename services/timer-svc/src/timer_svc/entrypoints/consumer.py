"""The consumer of timer-svc's queue: one typed handler per message type.

A payload that does not validate never reaches a handler: the bus dead-letters it at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aftersales_shared.contracts.messages import (
    ClockSyncRequested,
    TimerBatch,
    TimerCancel,
    TimerResume,
    TimerSchedule,
    TimerSuspend,
)
from aftersales_shared.messaging import MessageMeta, Router

from timer_svc.handlers.commands import DeadlineCommands


def consumer(
    commands: DeadlineCommands, *, on_sync_requested: Callable[[], Awaitable[None]]
) -> Router:
    """The timer commands, and `clock.sync_requested` (answered with the clock's state)."""
    router = Router()

    @router.on("timer.schedule")
    async def on_schedule(p: TimerSchedule, meta: MessageMeta) -> None:
        await commands.schedule(p, seller_id=meta.seller_id, correlation_id=meta.correlation_id)

    @router.on("timer.cancel")
    async def on_cancel(p: TimerCancel, meta: MessageMeta) -> None:
        await commands.cancel(p.deadline_id)

    @router.on("timer.batch")
    async def on_batch(p: TimerBatch, meta: MessageMeta) -> None:
        await commands.batch(p, seller_id=meta.seller_id, correlation_id=meta.correlation_id)

    @router.on("timer.suspend")
    async def on_suspend(p: TimerSuspend, meta: MessageMeta) -> None:
        await commands.suspend(p.order_id)

    @router.on("timer.resume")
    async def on_resume(p: TimerResume, meta: MessageMeta) -> None:
        await commands.resume(p.order_id)

    @router.on("clock.sync_requested")
    async def on_sync(p: ClockSyncRequested, meta: MessageMeta) -> None:
        await on_sync_requested()

    return router
