"""Builds metrics-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

import os
import socket
import uuid

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.service import Runtime, ServiceDefinition

from metrics_svc import __doc__ as description
from metrics_svc.adapters.lease import Lease
from metrics_svc.adapters.ledger import MongoLedger
from metrics_svc.adapters.results import MongoResults
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.config import Settings
from metrics_svc.entrypoints import consumer, dev_signin
from metrics_svc.entrypoints.api import router
from metrics_svc.entrypoints.dashboard import router as dashboard_router
from metrics_svc.entrypoints.deps import Activation, Activations, MetricsContainer
from metrics_svc.entrypoints.money import router as money_router
from metrics_svc.handlers.activity import Activity, Stop
from metrics_svc.handlers.closing import WeekCloser
from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.ledger import Bookkeeper
from metrics_svc.handlers.queries import Reader
from metrics_svc.handlers.statements import LedgerReader

log = structlog.get_logger(__name__)


async def start_active(
    runtime: Runtime[Settings],
    *,
    store: MetricsStore,
    results: MongoResults,
    reader: Reader,
    lease: Lease,
    activations: Activations,
    bookkeeper: Bookkeeper,
) -> Stop:
    """The active part: counters rebuilt from the store, the batch consumer, checkpoints, closer."""
    settings = runtime.settings
    ingestor = Ingestor(store, fence=lease.check)
    await ingestor.load()
    await bookkeeper.ledger.resume()  # number the ledger's writes after the last writer's
    every = settings.counters_checkpoint_s
    checkpoints = Periodic(ingestor.checkpoint, interval_s=every, name="metrics-checkpoint")
    closer = WeekCloser(
        results, ingestor, runtime.clock, poll_s=settings.close_poll_s, bookkeeper=bookkeeper
    )
    reader.ingestor = ingestor
    consuming = await consumer.consume(
        runtime.bus,
        ingestor,
        size=settings.ingest_max_batch,
        delay_s=settings.ingest_max_delay_s,
        bookkeeper=bookkeeper,
    )
    activations.last = Activation(ingestor=ingestor, closer=closer, consumer=consuming)
    checkpoints.start()
    closer.start()

    async def stop(graceful: bool) -> None:
        await consuming.stop(graceful=graceful)
        await closer.stop()
        await checkpoints.stop()
        if not graceful:
            return
        try:
            await ingestor.checkpoint()
        except Exception:
            log.exception("last checkpoint failed: the next start replays the facts after it")

    return stop


async def bootstrap(runtime: Runtime[Settings]) -> MetricsContainer:
    """Indexes, then active or standby (a lease in the store): only the active process ingests.

    Redeliveries are absorbed by the facts' unique keys (stronger than message ids: the same
    fact from two different events also counts once), so no per-message inbox is needed.
    """
    settings = runtime.settings
    closed = runtime.versioned("closed_weeks")
    store = MetricsStore(runtime.db, closed=closed)
    results = MongoResults(runtime.db, closed=closed)
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    lease = Lease(runtime.db["lease"], owner=owner, ttl_s=settings.active_lease_s)
    ledger = MongoLedger(runtime.db, fence=lease.check)
    bookkeeper = Bookkeeper(ledger, store)
    await store.ensure_indexes()
    await results.ensure_indexes()
    await ledger.ensure_indexes()
    reader = Reader(store, results, Ingestor(store), runtime.clock)
    activations = Activations()

    async def refresh() -> None:
        """A standby's read-only copy of the counters, rebuilt from the store."""
        copy = Ingestor(store, fence=lease.check)
        await copy.load(save=False)
        reader.ingestor = copy

    activity = Activity(
        lease=lease,
        activate=lambda: start_active(
            runtime,
            store=store,
            results=results,
            reader=reader,
            lease=lease,
            activations=activations,
            bookkeeper=bookkeeper,
        ),
        refresh=refresh,
        interval_s=settings.active_lease_s / 5,
        refresh_s=settings.counters_checkpoint_s,
    )
    await activity.start()
    if not activity.active:
        await refresh()

    async def checks() -> dict[str, bool]:
        last = activations.last
        ready = last is not None and last.consumer.ready
        return {"ingest_consumer": not activity.active or ready}

    return MetricsContainer(
        store=store,
        reader=reader,
        ledger=LedgerReader(ledger, bookkeeper),
        lease=lease,
        activations=activations,
        stop=activity.stop,
        checks=checks,
    )


def definition() -> ServiceDefinition[Settings, MetricsContainer]:
    return ServiceDefinition(
        name="metrics-svc",
        title="metrics-svc: service quality",
        description=description or "",
        routers=[router, money_router, dashboard_router],
        bootstrap=bootstrap,
        dev_routers=[dev_signin.router],  # the dashboard's development sign-in
    )
