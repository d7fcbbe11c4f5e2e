"""Fixtures every tier shares: the broker, a MongoDB, unique namespaces and databases."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_shared.persistence import Doc, connect_mongo
from aftersales_testkit import free_port
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    """MONGO_URL if set; else a MongoDB in Docker if an engine answers; else the dev store."""
    if url := os.environ.get("MONGO_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:8.0.13") as container:
            yield container.get_connection_url()
        return
    data = Path(tempfile.mkdtemp(prefix="devstore-"))
    stack = Stack()
    try:
        yield stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "store.log")
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return AMQP_URL


@pytest.fixture
def unique() -> str:
    """A short id that no other test uses."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
async def namespace(amqp_url: str, unique: str) -> AsyncIterator[str]:
    """A bus namespace of this test's own, deleted afterwards."""
    name = f"test-{unique}"
    yield name
    await delete_namespace(amqp_url, name)


@pytest.fixture(scope="session")
async def mongo_client(mongo_url: str) -> AsyncIterator[AsyncMongoClient[Doc]]:
    client = connect_mongo(mongo_url)
    yield client
    await client.close()


@pytest.fixture
async def db(mongo_client: AsyncMongoClient[Doc], unique: str) -> AsyncIterator[AsyncDatabase[Doc]]:
    """A database of this test's own, dropped afterwards."""
    name = f"test_{unique}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)
