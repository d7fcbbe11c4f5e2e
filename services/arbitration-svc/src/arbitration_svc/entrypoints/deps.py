"""What the routes are given: the container `bootstrap` builds, and the use cases read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aftersales_shared.service import Container, container_dependency
from fastapi import Depends

from arbitration_svc.backlog import Backlog
from arbitration_svc.handlers import Cases


@dataclass(frozen=True, kw_only=True)
class ArbitrationContainer(Container):
    """What `bootstrap` builds: the use cases the routes are given, and the frame's parts."""

    cases: Cases
    backlog: Backlog


ContainerDep = Annotated[ArbitrationContainer, Depends(container_dependency(ArbitrationContainer))]


async def _cases(container: ContainerDep) -> Cases:
    return container.cases


CasesDep = Annotated[Cases, Depends(_cases)]
