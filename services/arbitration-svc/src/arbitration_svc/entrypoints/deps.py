"""What the routes are given: the container `bootstrap` builds, and the use cases read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aftersales_shared.service import Container, wired
from fastapi import Depends

from arbitration_svc.handlers import Backlog, Cases


@dataclass(frozen=True, kw_only=True)
class ArbitrationContainer(Container):
    """What `bootstrap` builds: the use cases the routes are given, and the frame's parts."""

    cases: Cases
    backlog: Backlog


CasesDep = Annotated[Cases, Depends(wired(ArbitrationContainer, lambda c: c.cases))]
