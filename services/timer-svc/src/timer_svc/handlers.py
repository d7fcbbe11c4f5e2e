"""The commands timer-svc consumes: schedule, cancel, suspend, resume (all idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import Envelope, decode
from aftersales_shared.contracts.envelope import Frozen
from aftersales_shared.contracts.messages import (
    TimerCancel,
    TimerResume,
    TimerSchedule,
    TimerSuspend,
)
from aftersales_shared.errors import PermanentMessageError
from aftersales_shared.messaging import Handler, dispatcher
from pydantic import ValidationError

from timer_svc.domain.deadlines import to_ms
from timer_svc.domain.firing import from_schedule
from timer_svc.ports import DeadlineStore

log = structlog.get_logger(__name__)
M = TypeVar("M", bound=Frozen)


def _payload(message: Envelope, model: type[M]) -> M:
    try:
        payload = decode(message)
    except ValidationError as exc:
        raise PermanentMessageError(f"invalid {message.type}: {exc}") from exc
    assert isinstance(payload, model)
    return payload


def command_handlers(
    *, store: DeadlineStore, clock: Clock, on_armed: Callable[[int], None]
) -> dict[str, Handler]:
    """One handler per command type; `on_armed(due_ms)` lets the firer wake early."""

    async def schedule(message: Envelope) -> None:
        command = _payload(message, TimerSchedule)
        deadline = from_schedule(
            command, seller_id=message.seller_id, correlation_id=message.correlation_id
        )
        if await store.schedule(deadline, now_ms=to_ms(clock.now())):
            on_armed(deadline.due_ms)
        else:
            log.info("deadline known already; kept as it is", deadline_id=deadline.deadline_id)

    async def cancel(message: Envelope) -> None:
        command = _payload(message, TimerCancel)
        if not await store.cancel(command.deadline_id):
            log.info("nothing to cancel", deadline_id=command.deadline_id)

    async def suspend(message: Envelope) -> None:
        command = _payload(message, TimerSuspend)
        count = await store.suspend(command.order_id, now_ms=to_ms(clock.now()))
        log.info("deadlines suspended", order_id=command.order_id, count=count)

    async def resume(message: Envelope) -> None:
        command = _payload(message, TimerResume)
        count = await store.resume(command.order_id, now_ms=to_ms(clock.now()))
        log.info("deadlines resumed", order_id=command.order_id, count=count)
        if count:
            on_armed(to_ms(clock.now()))

    return {
        "timer.schedule": schedule,
        "timer.cancel": cancel,
        "timer.suspend": suspend,
        "timer.resume": resume,
    }


def handler(*, store: DeadlineStore, clock: Clock, on_armed: Callable[[int], None]) -> Handler:
    """The consumer of timer-svc's queue."""
    return dispatcher(command_handlers(store=store, clock=clock, on_armed=on_armed))
