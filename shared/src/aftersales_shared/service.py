"""The frame every service runs in: one process with its HTTP API, its consumers and its relay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from aftersales_shared.api_description import describe_errors
from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.bus import Bus, Handler, Router
from aftersales_shared.clock import Clock, SystemClock, VirtualClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ClockAdvanced, ClockSyncRequested
from aftersales_shared.logs import configure_logging
from aftersales_shared.settings import ServiceSettings
from aftersales_shared.shutdown import STEP_BUDGET_S, WATCHDOG_MARGIN_S, GracefulServer, stop_all
from aftersales_shared.store import (
    Doc,
    IdempotencyStore,
    MongoInbox,
    OutboxRelay,
    VersionedCollection,
    connect_mongo,
    ping,
)
from aftersales_shared.web import install_http_layer, ops_router

log = structlog.get_logger(__name__)


@dataclass
class Runtime:
    """Everything a service's handlers are built from, made once per process."""

    settings: ServiceSettings
    clock: Clock
    client: AsyncMongoClient[Doc]
    db: AsyncDatabase[Doc]
    bus: Bus
    relay: OutboxRelay
    idempotency: IdempotencyStore
    extras: dict[str, Any] = field(default_factory=dict)
    """Service-specific objects the routes reach through the runtime."""

    def versioned(self, name: str, *, cache_size: int = 0) -> VersionedCollection:
        """A collection whose writes carry their messages; the relay publishes them.

        `cache_size` > 0 keeps that many recently used versions for `get_for_update`.
        """
        collection = self.db[name]
        self.relay.add(collection)
        return VersionedCollection(collection, on_write=self.relay.written, cache_size=cache_size)


@dataclass
class Started:
    """What a service's start-up hands back to the frame."""

    handler: Handler | Router | None = None
    stop: Callable[[], Awaitable[None]] | None = None
    checks: Callable[[], Awaitable[dict[str, bool]]] | None = None


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    description: str
    routers: Sequence[APIRouter]
    start: Callable[[Runtime], Awaitable[Started]]
    admin_routers: Sequence[APIRouter] = ()


def runtime_of(request: Request) -> Runtime:
    """FastAPI dependency: the process's runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime_dependency(request: Request) -> Runtime:
    return runtime_of(request)


# Dependencies are coroutines: FastAPI runs a plain `def` dependency in a worker thread.
RuntimeDep = Annotated[Runtime, Depends(_runtime_dependency)]


def make_clock(settings: ServiceSettings) -> Clock:
    return VirtualClock() if settings.clock == "virtual" else SystemClock()


def create_app(definition: ServiceDefinition, settings: ServiceSettings) -> FastAPI:
    """The service's ASGI app; connections are made in its lifespan, never at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=definition.name, level=settings.log_level)
        clock = make_clock(settings)
        client = connect_mongo(settings.mongo_url)
        db = client[settings.mongo_db]
        bus = Bus(
            url=settings.amqp_url,
            namespace=settings.bus_namespace,
            service=definition.name,
            prefetch=settings.bus_prefetch,
            max_retries=settings.bus_max_retries,
            retry_delay_ms=settings.bus_retry_delay_ms,
            publish_timeout_s=settings.bus_publish_timeout_s,
            connect_timeout_s=settings.bus_connect_timeout_s,
            shutdown_grace_s=settings.bus_shutdown_grace_s,
        )
        await bus.connect()
        runtime = Runtime(
            settings=settings,
            clock=clock,
            client=client,
            db=db,
            bus=bus,
            relay=OutboxRelay(bus, poll_s=settings.outbox_poll_s),
            idempotency=IdempotencyStore(db["idempotency"], clock=clock.now),
        )
        app.state.runtime = runtime
        app.state.auth_secret = settings.auth_secret.get_secret_value()
        started = await definition.start(runtime)
        await runtime.relay.ensure_indexes()
        runtime.relay.start()
        if isinstance(clock, VirtualClock):
            await _follow_virtual_clock(bus, clock, definition.name)
        if started.handler is not None:
            inbox = MongoInbox(db["inbox"], clock=clock.now)
            await bus.consume(started.handler, inbox=inbox)

        async def ready() -> dict[str, bool]:
            extra = started.checks() if started.checks is not None else _no_checks()
            store, more = await asyncio.gather(ping(db), extra)  # each bounded: within 1 s
            return {"store": store, "broker": bus.ready} | more

        app.state.ready = ready
        log.info("service started", port=settings.http_port, clock=settings.clock)
        try:
            yield
        finally:
            await bus.stop_consuming()  # bounded by the grace period
            steps = [started.stop, runtime.relay.stop, bus.close, client.close]
            names = ("service", "relay", "bus", "store")
            await stop_all(list(zip(names, steps, strict=True)), budget_s=STEP_BUDGET_S)
            log.info("service stopped")

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
    )
    describe_errors(app)
    app.state.auth_secret = settings.auth_secret.get_secret_value()
    install_http_layer(app)

    async def ready() -> dict[str, bool]:
        checker: Callable[[], Awaitable[dict[str, bool]]] | None = getattr(app.state, "ready", None)
        return {"started": False} if checker is None else await checker()

    app.include_router(ops_router(ready=ready))
    for router in definition.routers:
        app.include_router(router)
    if settings.clock == "virtual":
        app.include_router(clock_router())
        for router in definition.admin_routers:
            app.include_router(router)
    return app


async def _no_checks() -> dict[str, bool]:
    return {}


async def _follow_virtual_clock(bus: Bus, clock: VirtualClock, service: str) -> None:
    """Adopt every offset timer-svc broadcasts, and ask for the current one now."""

    async def on_advanced(message: Envelope) -> None:
        offset = float(message.payload["offset_seconds"])
        clock.sync(timedelta(seconds=offset))

    await bus.consume_broadcast(["clock.advanced"], on_advanced)
    await bus.publish(
        envelope(
            type="clock.sync_requested",
            payload=ClockSyncRequested(service=service),
            occurred_at=clock.now(),
            seller_id=None,
        )
    )


async def broadcast_clock(bus: Bus, clock: VirtualClock) -> None:
    """Tell every process the virtual clock's offset (timer-svc owns the clock)."""
    await bus.publish(
        envelope(
            type="clock.advanced",
            payload=ClockAdvanced(offset_seconds=clock.offset.total_seconds()),
            occurred_at=clock.now(),
            seller_id=None,
        )
    )


def clock_router() -> APIRouter:
    """GET /admin/clock: this process's view of the shared virtual clock (CLOCK=virtual only)."""
    router = APIRouter(prefix="/admin", tags=["virtual clock"])

    @router.get("/clock", summary="The current virtual time as this service sees it")
    async def get_clock(runtime: RuntimeDep, _: CurrentPrincipal) -> dict[str, Any]:
        clock = runtime.clock
        assert isinstance(clock, VirtualClock)
        return {"now": clock.now().isoformat(), "offset_seconds": clock.offset.total_seconds()}

    return router


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    """Run until SIGTERM / Ctrl-C; the process ends at most BUS_SHUTDOWN_GRACE_S + 3 s after it."""
    grace = settings.bus_shutdown_grace_s
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=max(1, int(min(grace, STEP_BUDGET_S))),
    )
    server = GracefulServer(config, limit_s=grace + WATCHDOG_MARGIN_S)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve())
