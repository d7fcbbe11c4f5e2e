"""POST /admin/clock/advance: move the shared virtual clock (CLOCK=virtual only)."""

from __future__ import annotations

from typing import Any

from aftersales_shared.auth import Role, require_roles
from aftersales_shared.clock import VirtualClock
from aftersales_shared.service import RuntimeDep, broadcast_clock
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from timer_svc.adapters.clock_store import MongoClockStore

MAX_ADVANCE = 366 * 24 * 3600


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(gt=0, le=MAX_ADVANCE, description="How far to move, at most a year")


def admin_router() -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["virtual clock"])

    @router.post(
        "/clock/advance",
        summary="Move every service's virtual clock forward",
        dependencies=[require_roles(Role.PLATFORM_AGENT)],  # type: ignore[list-item]
    )
    async def advance(body: Advance, runtime: RuntimeDep) -> dict[str, Any]:
        clock = runtime.clock
        assert isinstance(clock, VirtualClock)
        store: MongoClockStore = runtime.extras["clock_store"]
        clock.sync(await store.advance(body.seconds))
        await broadcast_clock(runtime.bus, clock)
        return {"now": clock.now().isoformat(), "offset_seconds": clock.offset.total_seconds()}

    return router
