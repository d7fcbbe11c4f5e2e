"""Builds timer-svc from the runtime: the clock store, handlers, routers."""

from __future__ import annotations

from aftersales_shared.bus import dispatcher
from aftersales_shared.clock import VirtualClock
from aftersales_shared.contracts import Envelope
from aftersales_shared.service import Runtime, ServiceDefinition, Started, broadcast_clock

from timer_svc import __doc__ as description
from timer_svc.adapters.clock_store import MongoClockStore
from timer_svc.entrypoints.admin import admin_router


async def start(runtime: Runtime) -> Started:
    """Restore the virtual clock (if any), answer clock sync requests."""
    clock = runtime.clock
    if isinstance(clock, VirtualClock):
        store = MongoClockStore(runtime.db["clock"])
        clock.sync(await store.load())
        runtime.extras["clock_store"] = store
        await broadcast_clock(runtime.bus, clock)

    async def on_sync_requested(_: Envelope) -> None:
        if isinstance(clock, VirtualClock):
            await broadcast_clock(runtime.bus, clock)

    return Started(handler=dispatcher({"clock.sync_requested": on_sync_requested}))


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="timer-svc",
        title="timer-svc: deadlines and the virtual clock",
        description=description or "",
        routers=[],
        admin_routers=[admin_router()],
        start=start,
    )
