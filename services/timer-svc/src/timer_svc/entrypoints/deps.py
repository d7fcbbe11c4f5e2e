"""What the routes are given: the container `bootstrap` builds, and the parts read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aftersales_shared.clock import VirtualClock
from aftersales_shared.clock_sync import broadcast_clock
from aftersales_shared.errors import NotFound
from aftersales_shared.messaging import Bus
from aftersales_shared.service import Container, container_dependency
from fastapi import Depends

from timer_svc.adapters.clock_store import MongoClockStore
from timer_svc.handlers.firing_loop import Firer


@dataclass(frozen=True)
class VirtualTime:
    """The shared virtual clock timer-svc owns (CLOCK=virtual): its offset stored, broadcast."""

    clock: VirtualClock
    store: MongoClockStore
    bus: Bus

    async def broadcast(self) -> None:
        """Tell every process the clock's offset."""
        await broadcast_clock(self.bus, self.clock)


@dataclass(frozen=True, kw_only=True)
class TimerContainer(Container):
    """What `bootstrap` builds: the firer and virtual clock the routes use, the frame's parts."""

    firer: Firer
    virtual: VirtualTime | None
    """None with the system clock (the admin routes are not mounted then)."""
    advance_timeout_s: float


ContainerDep = Annotated[TimerContainer, Depends(container_dependency(TimerContainer))]


async def _virtual(container: ContainerDep) -> VirtualTime:
    if container.virtual is None:
        raise NotFound("the clock is the system clock: there is no virtual clock to move")
    return container.virtual


VirtualTimeDep = Annotated[VirtualTime, Depends(_virtual)]
