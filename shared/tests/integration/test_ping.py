"""The readiness ping: an answer within a second, whether the store is up or down."""

from __future__ import annotations

import time

import pytest
from aftersales_shared.persistence import Doc, connect_mongo, ping
from aftersales_testkit import free_port
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration


async def test_ping_says_yes_when_the_store_answers(db: AsyncDatabase[Doc]) -> None:
    assert await ping(db)


async def test_ping_says_no_within_a_second_when_nothing_listens() -> None:
    client = connect_mongo(f"mongodb://127.0.0.1:{free_port()}")
    try:
        for _ in range(3):
            began = time.monotonic()
            assert not await ping(client["any"])
            assert time.monotonic() - began < 1
    finally:
        await client.close()
