"""The frame every service runs in: one process with its HTTP API, its consumers and its relay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import structlog
import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from aftersales_shared.api_description import describe_errors
from aftersales_shared.clock import Clock, SystemClock, VirtualClock
from aftersales_shared.clock_sync import clock_router, follow_virtual_clock
from aftersales_shared.logs import configure_logging
from aftersales_shared.messaging import Bus, Handler, Router
from aftersales_shared.persistence import (
    Doc,
    IdempotencyStore,
    MongoInbox,
    OutboxRelay,
    VersionedCollection,
    connect_mongo,
    ping,
)
from aftersales_shared.settings import ServiceSettings
from aftersales_shared.shutdown import STEP_BUDGET_S, WATCHDOG_MARGIN_S, GracefulServer, stop_all
from aftersales_shared.web import install_http_layer, ops_router

log = structlog.get_logger(__name__)

S = TypeVar("S", bound=ServiceSettings)
C = TypeVar("C", bound="Container")
T = TypeVar("T")


@dataclass
class Runtime(Generic[S]):
    """Everything a service's handlers are built from, made once per process."""

    settings: S
    clock: Clock
    client: AsyncMongoClient[Doc]
    db: AsyncDatabase[Doc]
    bus: Bus
    relay: OutboxRelay
    idempotency: IdempotencyStore

    def versioned(self, name: str, *, cache_size: int = 0) -> VersionedCollection:
        """A collection whose writes carry their messages (the relay publishes them); `cache_size`
        > 0 keeps that many recently used versions for `get_for_update`."""
        collection = self.db[name]
        self.relay.add(collection)
        return VersionedCollection(collection, on_write=self.relay.written, cache_size=cache_size)


@dataclass(frozen=True, kw_only=True)
class Container:
    """What a service's bootstrap hands back: each service subclasses it with its own parts
    (its use cases, for the routes) and fills in what the frame needs of it."""

    handler: Handler | Router | None = None
    """The consumer of the service's queue, run with the inbox; None: it consumes nothing."""
    stop: Callable[[], Awaitable[None]] | None = None
    checks: Callable[[], Awaitable[dict[str, bool]]] | None = None
    """Readiness checks beyond the store and the broker."""


@dataclass(frozen=True)
class ServiceDefinition(Generic[S, C]):
    """A service as the frame runs it: its routers and the bootstrap that builds its container."""

    name: str
    title: str
    description: str
    routers: Sequence[APIRouter]
    bootstrap: Callable[[Runtime[S]], Awaitable[C]]
    admin_routers: Sequence[APIRouter] = ()
    dev_routers: Sequence[APIRouter] = ()  # only with ENV=development (the dev sign-in)


def wired(kind: type[C], part: Callable[[C], T]) -> Callable[[Request], Awaitable[T]]:
    """A FastAPI dependency giving `part` of the process's container (of the service's `kind`):
    `Annotated[Cases, Depends(wired(ArbitrationContainer, lambda c: c.cases))]`."""

    async def dependency(request: Request) -> T:  # a coroutine: a `def` would run in a thread
        container: C = request.app.state.container
        return part(container)

    dependency.__name__ = f"{kind.__name__.lower()}_part"
    return dependency


def container_dependency(kind: type[C]) -> Callable[[Request], Awaitable[C]]:
    """A FastAPI dependency giving the process's whole container, typed as the service's `kind`."""
    return wired(kind, lambda container: container)


def idempotency_of(request: Request) -> IdempotencyStore:
    """The process's store of answers to Idempotency-Key requests (the frame makes it)."""
    store: IdempotencyStore = request.app.state.runtime.idempotency
    return store


async def _idempotency(request: Request) -> IdempotencyStore:
    return idempotency_of(request)


IdempotencyDep = Annotated[IdempotencyStore, Depends(_idempotency)]
"""The process's store of answers to Idempotency-Key requests."""


def make_clock(settings: ServiceSettings) -> Clock:
    return VirtualClock() if settings.clock == "virtual" else SystemClock()


async def open_runtime(*, name: str, settings: S, clock: Clock) -> Runtime[S]:
    """Connect to the broker (the store connects on first use) and build the runtime."""
    client = connect_mongo(settings.mongo_url)
    db = client[settings.mongo_db]
    bus = Bus(
        url=settings.amqp_url,
        namespace=settings.bus_namespace,
        service=name,
        prefetch=settings.bus_prefetch,
        max_retries=settings.bus_max_retries,
        retry_delay_ms=settings.bus_retry_delay_ms,
        publish_timeout_s=settings.bus_publish_timeout_s,
        connect_timeout_s=settings.bus_connect_timeout_s,
        shutdown_grace_s=settings.bus_shutdown_grace_s,
    )
    await bus.connect()
    return Runtime(
        settings=settings,
        clock=clock,
        client=client,
        db=db,
        bus=bus,
        relay=OutboxRelay(bus, poll_s=settings.outbox_poll_s),
        idempotency=IdempotencyStore(db["idempotency"], clock=clock.now),
    )


async def start_service(runtime: Runtime[S], *, name: str, container: Container) -> None:
    """What follows the bootstrap: the relay, the virtual clock, the service's consumer."""
    await runtime.relay.ensure_indexes()
    runtime.relay.start()
    if isinstance(runtime.clock, VirtualClock):
        await follow_virtual_clock(runtime.bus, runtime.clock, name)
    if container.handler is not None:
        inbox = MongoInbox(runtime.db["inbox"], clock=runtime.clock.now)
        await runtime.bus.consume(container.handler, inbox=inbox)


def readiness(
    runtime: Runtime[S], container: Container
) -> Callable[[], Awaitable[dict[str, bool]]]:
    """The checks /readyz runs: the store, the broker and the service's own."""

    async def ready() -> dict[str, bool]:
        extra = container.checks() if container.checks is not None else _no_checks()
        store, more = await asyncio.gather(ping(runtime.db), extra)  # each bounded: within 1 s
        return {"store": store, "broker": runtime.bus.ready} | more

    return ready


async def stop_service(runtime: Runtime[S], container: Container) -> None:
    """Stop consuming (bounded by the grace period), then the service, relay, bus and store."""
    await runtime.bus.stop_consuming()
    steps = [container.stop, runtime.relay.stop, runtime.bus.close, runtime.client.close]
    names = ("service", "relay", "bus", "store")
    await stop_all(list(zip(names, steps, strict=True)), budget_s=STEP_BUDGET_S)


def create_app(definition: ServiceDefinition[S, C], settings: S) -> FastAPI:
    """The service's ASGI app; connections are made in its lifespan, never at import."""
    clock = make_clock(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(service=definition.name, level=settings.log_level)
        runtime = await open_runtime(name=definition.name, settings=settings, clock=clock)
        app.state.runtime = runtime
        container = await definition.bootstrap(runtime)
        app.state.container = container
        await start_service(runtime, name=definition.name, container=container)
        app.state.ready = readiness(runtime, container)
        log.info("service started", port=settings.http_port, clock=settings.clock)
        try:
            yield
        finally:
            await stop_service(runtime, container)
            log.info("service stopped")

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
    )
    describe_errors(app)
    app.state.auth_secret = settings.auth_secret.get_secret_value()
    install_http_layer(app, cors_origins=settings.cors_origin_list)
    include_routers(app, definition, clock)
    for router in definition.dev_routers if settings.env == "development" else ():
        app.include_router(router)
    return app


def include_routers(app: FastAPI, definition: ServiceDefinition[S, C], clock: Clock) -> None:
    """The probes, the service's routers, and with a virtual clock the admin routers."""

    async def ready() -> dict[str, bool]:
        checker: Callable[[], Awaitable[dict[str, bool]]] | None = getattr(app.state, "ready", None)
        return {"started": False} if checker is None else await checker()

    app.include_router(ops_router(ready=ready))
    for router in definition.routers:
        app.include_router(router)
    if isinstance(clock, VirtualClock):
        app.include_router(clock_router(clock))
        for router in definition.admin_routers:
            app.include_router(router)


async def _no_checks() -> dict[str, bool]:
    return {}


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
