"""What the routes are given: the container `bootstrap` builds, and the parts read from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from aftersales_shared.service import Container, wired
from fastapi import Depends

from metrics_svc.adapters.lease import Lease
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.handlers.closing import WeekCloser
from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.queries import Reader
from metrics_svc.handlers.statements import LedgerReader
from metrics_svc.ports import Consumption


@dataclass(frozen=True)
class Activation:
    """The parts an activation starts (only the lease holder runs them)."""

    ingestor: Ingestor
    closer: WeekCloser
    consumer: Consumption


@dataclass
class Activations:
    """The process's last activation, kept after it steps down (None while it never led)."""

    last: Activation | None = None


@dataclass(frozen=True, kw_only=True)
class MetricsContainer(Container):
    """What `bootstrap` builds: the reader the routes are given, and the frame's parts."""

    store: MetricsStore
    reader: Reader
    ledger: LedgerReader
    lease: Lease
    activations: Activations = field(default_factory=Activations)


ReaderDep = Annotated[Reader, Depends(wired(MetricsContainer, lambda c: c.reader))]
LedgerDep = Annotated[LedgerReader, Depends(wired(MetricsContainer, lambda c: c.ledger))]
