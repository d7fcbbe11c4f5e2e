"""Builds metrics-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.service import Runtime, ServiceDefinition, Started

from metrics_svc import __doc__ as description
from metrics_svc.adapters.closer import WeekCloser
from metrics_svc.adapters.consumer import BatchConsumer
from metrics_svc.adapters.ingest import Ingestor
from metrics_svc.adapters.queries import Reader
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.config import Settings
from metrics_svc.entrypoints.api import router
from metrics_svc.entrypoints.dashboard import router as dashboard_router

log = structlog.get_logger(__name__)


async def start(runtime: Runtime) -> Started:
    """Indexes, the ingestor (counters recovered) and its batch consumer, checkpoints, the closer.

    Redeliveries are absorbed by the facts' unique keys (stronger than message ids: the same
    fact from two different events also counts once), so no per-message inbox is needed.
    """
    settings = runtime.settings
    assert isinstance(settings, Settings)
    store = MetricsStore(runtime.db, closed=runtime.versioned("closed_weeks"))
    await store.ensure_indexes()
    ingestor = Ingestor(store)
    await ingestor.load()
    checkpoints = Periodic(
        ingestor.checkpoint, interval_s=settings.counters_checkpoint_s, name="metrics-checkpoint"
    )
    closer = WeekCloser(store, ingestor, runtime.clock, poll_s=settings.close_poll_s)
    consumer = BatchConsumer(
        url=settings.amqp_url,
        topology=runtime.bus.topology,
        ingestor=ingestor,
        batch=settings.ingest_max_batch,
        delay_s=settings.ingest_max_delay_s,
    )
    runtime.extras.update(store=store, ingestor=ingestor, closer=closer, consumer=consumer)
    runtime.extras["reader"] = Reader(store, ingestor, runtime.clock)
    await consumer.start()
    checkpoints.start()
    closer.start()

    async def stop() -> None:
        await consumer.stop()
        await closer.stop()
        await checkpoints.stop()
        try:
            await ingestor.checkpoint()
        except Exception:
            log.exception("last checkpoint failed: the next start replays the facts after it")

    async def checks() -> dict[str, bool]:
        return {"ingest_consumer": consumer.ready}

    return Started(handler=None, stop=stop, checks=checks)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="metrics-svc",
        title="metrics-svc: service quality",
        description=description or "",
        routers=[router, dashboard_router],
        start=start,
    )
