"""What the routes are given: the container `bootstrap` builds, and the parts read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aftersales_shared.service import Container, container_dependency
from fastapi import Depends

from sms_svc.entrypoints.sweeper import Sweeper
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.staff import StaffDirectory


@dataclass(frozen=True, kw_only=True)
class SmsContainer(Container):
    """What `bootstrap` builds: the use cases the routes are given, and the frame's parts."""

    sms: SmsService
    sweeper: Sweeper
    staff: StaffDirectory


ContainerDep = Annotated[SmsContainer, Depends(container_dependency(SmsContainer))]


async def _sms(container: ContainerDep) -> SmsService:
    return container.sms


async def _sweeper(container: ContainerDep) -> Sweeper:
    return container.sweeper


async def _staff(container: ContainerDep) -> StaffDirectory:
    return container.staff


SmsDep = Annotated[SmsService, Depends(_sms)]
SweeperDep = Annotated[Sweeper, Depends(_sweeper)]
StaffDep = Annotated[StaffDirectory, Depends(_staff)]
