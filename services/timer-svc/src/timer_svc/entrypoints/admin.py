"""POST /admin/clock/advance: move the shared virtual clock and fire what falls due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.auth import Role, require_roles
from aftersales_shared.errors import Invalid
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from timer_svc.entrypoints.deps import ContainerDep, VirtualTimeDep

MAX_ADVANCE = 366 * 24 * 3600
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""The virtual clock stays before this: every date computed from it (deadlines, weeks, months,
epoch milliseconds) must still fit in a calendar that ends in 9999."""


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = Field(
        gt=0, le=MAX_ADVANCE, strict=True, description="How far to move: > 0, at most a year"
    )


class Advanced(BaseModel):
    now: str = Field(description="The new virtual time (ISO 8601, UTC)")
    offset_seconds: float = Field(description="The virtual clock's offset from the wall clock")
    fired: int = Field(description="Deadlines this call fired (confirmed on the bus)")


def admin_router() -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["virtual clock"])

    @router.post(
        "/clock/advance",
        summary="Move every service's virtual clock forward and fire what falls due",
        description="Answers once every deadline due by the new time has been fired, in due "
        "order, and confirmed by the broker (503 if that takes longer than the timeout).",
        dependencies=[require_roles(Role.PLATFORM_AGENT)],  # type: ignore[list-item]
        response_model=Advanced,
    )
    async def advance(
        body: Advance, timer: ContainerDep, virtual: VirtualTimeDep
    ) -> dict[str, Any]:
        clock, store = virtual.clock, virtual.store
        stored = clock.now() - clock.offset + await store.load()
        if stored + timedelta(seconds=body.seconds) >= LATEST:
            raise Invalid(
                f"the virtual clock may not pass {LATEST.isoformat()}; it is at "
                f"{stored.isoformat()}",
                field="seconds",
            )
        moved: list[datetime] = []

        async def move() -> datetime:
            clock.sync(await store.advance(body.seconds))
            await virtual.broadcast()
            moved.append(clock.now())
            return moved[0]

        fired = await timer.firer.advance(move=move, timeout_s=timer.advance_timeout_s)
        now = moved[0]
        return {
            "now": now.isoformat(),
            "offset_seconds": clock.offset.total_seconds(),
            "fired": fired,
        }

    return router
