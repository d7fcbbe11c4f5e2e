"""Builds metrics-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

import structlog
from aftersales_shared.bus import Handler, dispatcher
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.registry import ORDER_EVENTS
from aftersales_shared.service import Runtime, ServiceDefinition, Started

from metrics_svc import __doc__ as description
from metrics_svc.adapters.closer import WeekCloser
from metrics_svc.adapters.ingest import Ingestor
from metrics_svc.adapters.queries import Reader
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.config import Settings
from metrics_svc.entrypoints.api import router
from metrics_svc.entrypoints.dashboard import router as dashboard_router

log = structlog.get_logger(__name__)


async def _announced(message: Envelope) -> None:
    """metrics.* events come back to this service (their consumer of record): log them."""
    log.info("announced", type=message.type, payload=message.payload)


async def start(runtime: Runtime) -> Started:
    """Indexes, the batching ingestor, the week closer; consumption without a per-message inbox.

    Redeliveries are absorbed by the facts' unique keys (stronger than message ids: the same
    fact from two different events also counts once), so the frame's inbox is not used.
    """
    settings = runtime.settings
    assert isinstance(settings, Settings)
    store = MetricsStore(runtime.db, closed=runtime.versioned("closed_weeks"))
    await store.ensure_indexes()
    ingestor = Ingestor(
        store, max_batch=settings.ingest_max_batch, max_delay_s=settings.ingest_max_delay_s
    )
    await ingestor.load()
    closer = WeekCloser(store, ingestor, runtime.clock, poll_s=settings.close_poll_s)
    runtime.extras.update(store=store, ingestor=ingestor, closer=closer)
    runtime.extras["reader"] = Reader(store, ingestor, runtime.clock)
    handlers: dict[str, Handler] = {
        f"serviceorder.{name}": ingestor.submit for name in ORDER_EVENTS
    }
    handlers |= {"metrics.week_closed": _announced, "metrics.seller_escalated": _announced}
    await runtime.bus.consume(dispatcher(handlers))
    closer.start()

    async def stop() -> None:
        await closer.stop()
        await ingestor.drain()

    return Started(handler=None, stop=stop)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="metrics-svc",
        title="metrics-svc: service quality",
        description=description or "",
        routers=[router, dashboard_router],
        start=start,
    )
