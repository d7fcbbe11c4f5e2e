"""Builds timer-svc from the runtime: the deadline store, the firer, handlers, routers."""

from __future__ import annotations

from aftersales_shared.clock import SystemClock, VirtualClock
from aftersales_shared.service import Runtime, ServiceDefinition

from timer_svc import __doc__ as description
from timer_svc.adapters.clock_store import MongoClockStore
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.config import Settings
from timer_svc.entrypoints.admin import admin_router
from timer_svc.entrypoints.consumer import consumer
from timer_svc.entrypoints.deps import TimerContainer, VirtualTime
from timer_svc.handlers.commands import DeadlineCommands
from timer_svc.handlers.firing_loop import Firer


async def bootstrap(runtime: Runtime[Settings]) -> TimerContainer:
    """Restore the virtual clock (if any), start firing, consume the timer commands."""
    clock = runtime.clock
    store = MongoDeadlineStore(runtime.db)
    await store.ensure_indexes()
    firer = Firer(
        store=store,
        bus=runtime.bus,
        clock=clock,
        wall=SystemClock(),
        settings=runtime.settings.firing(),
    )
    virtual = None
    if isinstance(clock, VirtualClock):
        store_of_clock = MongoClockStore(runtime.db["clock"])
        virtual = VirtualTime(clock=clock, store=store_of_clock, bus=runtime.bus)
        clock.sync(await virtual.store.load())
        await virtual.broadcast()

    async def on_sync_requested() -> None:
        if virtual is not None:
            await virtual.broadcast()

    async def checks() -> dict[str, bool]:
        # the frame pings the store (timer-svc's deadline store) already: one ping, not two
        return {"firer": firer.running}

    firer.start()
    commands = DeadlineCommands(store=store, clock=clock, on_armed=firer.wake)
    return TimerContainer(
        firer=firer,
        virtual=virtual,
        advance_timeout_s=runtime.settings.timer_advance_timeout_s,
        handler=consumer(commands, on_sync_requested=on_sync_requested),
        stop=firer.stop,
        checks=checks,
    )


def definition() -> ServiceDefinition[Settings, TimerContainer]:
    return ServiceDefinition(
        name="timer-svc",
        title="timer-svc: deadlines and the virtual clock",
        description=description or "",
        routers=[],
        admin_routers=[admin_router()],
        bootstrap=bootstrap,
    )
