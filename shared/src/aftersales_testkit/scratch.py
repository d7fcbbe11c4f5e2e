"""A database of a test's own, for fixtures that choose their store by parameter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aftersales_shared.persistence import Doc, connect_mongo
from pymongo.asynchronous.database import AsyncDatabase


@asynccontextmanager
async def scratch_db(mongo_url: str, name: str) -> AsyncIterator[AsyncDatabase[Doc]]:
    """The database `name` on `mongo_url` with a client of its own, dropped afterwards.

    A fixture parametrized over a fake and the real store cannot ask for the async `db` fixture
    from inside itself; it asks for the sync `mongo_url` and `unique` and opens this instead."""
    client = connect_mongo(mongo_url)
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()
