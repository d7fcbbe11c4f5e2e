"""The virtual clock every process shares (CLOCK=virtual): timer-svc moves it and broadcasts
its offset, each process follows; GET /admin/clock shows a process's view of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.clock import VirtualClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ClockAdvanced, ClockSyncRequested
from aftersales_shared.messaging import Bus


async def follow_virtual_clock(bus: Bus, clock: VirtualClock, service: str) -> None:
    """Adopt every offset timer-svc broadcasts, and ask for the current one now."""

    async def on_advanced(message: Envelope) -> None:
        offset = float(message.payload["offset_seconds"])
        clock.sync(timedelta(seconds=offset))

    await bus.consume_broadcast(["clock.advanced"], on_advanced)
    await bus.publish(
        envelope(
            type="clock.sync_requested",
            payload=ClockSyncRequested(service=service),
            occurred_at=clock.now(),
            seller_id=None,
        )
    )


async def broadcast_clock(bus: Bus, clock: VirtualClock) -> None:
    """Tell every process the virtual clock's offset (timer-svc owns the clock)."""
    await bus.publish(
        envelope(
            type="clock.advanced",
            payload=ClockAdvanced(offset_seconds=clock.offset.total_seconds()),
            occurred_at=clock.now(),
            seller_id=None,
        )
    )


def clock_router(clock: VirtualClock) -> APIRouter:
    """GET /admin/clock: this process's view of the shared virtual clock (CLOCK=virtual only)."""
    router = APIRouter(prefix="/admin", tags=["virtual clock"])

    @router.get("/clock", summary="The current virtual time as this service sees it")
    async def get_clock(_: CurrentPrincipal) -> dict[str, Any]:
        return {"now": clock.now().isoformat(), "offset_seconds": clock.offset.total_seconds()}

    return router
