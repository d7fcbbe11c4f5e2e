"""metrics-svc in this test's process: its app with lifespan, a client, and a publisher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from aftersales_shared.messaging import Bus
from aftersales_shared.service import Runtime, create_app
from aftersales_testkit import TEST_SECRET
from fastapi import FastAPI
from metrics_svc.bootstrap import definition
from metrics_svc.config import Settings
from metrics_svc.entrypoints.deps import Activation, MetricsContainer
from pymongo import AsyncMongoClient


@dataclass
class Running:
    app: FastAPI
    client: httpx.AsyncClient
    publisher: Bus

    @property
    def runtime(self) -> Runtime[Settings]:
        runtime: Runtime[Settings] = self.app.state.runtime
        return runtime

    @property
    def container(self) -> MetricsContainer:
        container: MetricsContainer = self.app.state.container
        return container

    @property
    def active(self) -> Activation:
        """The parts of this process's last activation (it must have been active once)."""
        last = self.container.activations.last
        assert last is not None, "metrics-svc was never active"
        return last


@pytest.fixture
async def settings(
    mongo_url: str, amqp_url: str, namespace: str, unique: str
) -> AsyncIterator[Settings]:
    """metrics-svc's settings for this test; its database is dropped afterwards."""
    settings = Settings(
        mongo_url=mongo_url,
        mongo_db_prefix=f"t{unique}",
        amqp_url=amqp_url,
        bus_namespace=namespace,
        auth_secret=TEST_SECRET,  # type: ignore[arg-type]
        clock="virtual",
        close_poll_s=3600,  # tests close weeks themselves with closer.tick()
        counters_checkpoint_s=3600,  # and checkpoint with ingestor.checkpoint()
    )
    yield settings
    mongo: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_url)
    await mongo.drop_database(settings.mongo_db)
    await mongo.close()


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Running]:
    """metrics-svc started on `settings`, stopped on exit; start it again to see a restart."""
    app = create_app(definition(), settings)
    publisher = Bus(url=settings.amqp_url, namespace=settings.bus_namespace, service="order-svc")
    await publisher.connect()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
                yield Running(app, client, publisher)
    finally:
        await publisher.close()


@pytest.fixture
async def svc(settings: Settings) -> AsyncIterator[Running]:
    async with running(settings) as started:
        yield started
