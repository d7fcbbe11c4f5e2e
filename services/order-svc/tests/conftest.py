"""order-svc tests: builders from this directory; an in-process app on the real broker and store."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import httpx
import pytest
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET
from pymongo import AsyncMongoClient

sys.path.insert(0, str(Path(__file__).parent))

from api_support import Api, BusTap
from order_svc.bootstrap import definition
from order_svc.config import Settings


@pytest.fixture
def settings(mongo_url: str, amqp_url: str, namespace: str, unique: str) -> Settings:
    """order-svc's settings for this test: its own database and bus namespace."""
    return Settings(
        auth_secret=TEST_SECRET,
        mongo_url=mongo_url,
        amqp_url=amqp_url,
        bus_namespace=namespace,
        mongo_db_prefix=f"t{unique}",
        clock="system",
        outbox_poll_s=0.2,
    )  # type: ignore[call-arg]


@pytest.fixture
async def api(
    settings: Settings, amqp_url: str, namespace: str, unique: str, mongo_client: AsyncMongoClient
) -> AsyncIterator[Api]:
    """order-svc in this process (lifespan run), its own database and bus namespace."""
    app = create_app(definition(), settings)
    connection = await aio_pika.connect(amqp_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://order-svc") as client:
            yield Api(client=client, unique=unique, tap=BusTap(connection, namespace))
    await connection.close()
    await mongo_client.drop_database(settings.mongo_db)


@pytest.fixture
async def replica(api: Api, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A second order-svc (its own memory of the orders) on the same database and bus."""
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://order-svc-2") as client:
            yield client
