"""Builds timer-svc from the runtime: the deadline store, the firer, handlers, routers."""

from __future__ import annotations

from aftersales_shared.clock import SystemClock, VirtualClock
from aftersales_shared.service import Runtime, ServiceDefinition, Started, broadcast_clock

from timer_svc import __doc__ as description
from timer_svc.adapters.clock_store import MongoClockStore
from timer_svc.adapters.deadline_store import MongoDeadlineStore
from timer_svc.config import Settings
from timer_svc.entrypoints.admin import admin_router
from timer_svc.entrypoints.consumer import consumer
from timer_svc.handlers.commands import DeadlineCommands
from timer_svc.handlers.firing_loop import Firer, FiringSettings


async def start(runtime: Runtime) -> Started:
    """Restore the virtual clock (if any), start firing, consume the timer commands."""
    clock = runtime.clock
    settings = runtime.settings
    store = MongoDeadlineStore(runtime.db)
    await store.ensure_indexes()
    firer = Firer(
        store=store,
        bus=runtime.bus,
        clock=clock,
        wall=SystemClock(),
        settings=settings.firing() if isinstance(settings, Settings) else FiringSettings(),
    )
    runtime.extras["firer"] = firer
    if isinstance(clock, VirtualClock):
        clock_store = MongoClockStore(runtime.db["clock"])
        clock.sync(await clock_store.load())
        runtime.extras["clock_store"] = clock_store
        await broadcast_clock(runtime.bus, clock)

    async def on_sync_requested() -> None:
        if isinstance(clock, VirtualClock):
            await broadcast_clock(runtime.bus, clock)

    async def checks() -> dict[str, bool]:
        # the frame pings the store (timer-svc's deadline store) already: one ping, not two
        return {"firer": firer.running}

    firer.start()
    commands = DeadlineCommands(store=store, clock=clock, on_armed=firer.wake)
    return Started(
        handler=consumer(commands, on_sync_requested=on_sync_requested),
        stop=firer.stop,
        checks=checks,
    )


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="timer-svc",
        title="timer-svc: deadlines and the virtual clock",
        description=description or "",
        routers=[],
        admin_routers=[admin_router()],
        start=start,
    )
