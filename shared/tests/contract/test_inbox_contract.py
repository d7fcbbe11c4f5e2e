"""One Inbox contract, run against the testkit's MemoryInbox and against MongoInbox on the store.

The in-memory bus's tests trust MemoryInbox; these keep it from drifting from the real inbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aftersales_shared.persistence import MongoInbox
from aftersales_shared.ports import Inbox
from aftersales_testkit import MemoryInbox, scratch_db


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.integration)])
async def inbox(request: pytest.FixtureRequest) -> AsyncIterator[Inbox]:
    if request.param == "memory":
        yield MemoryInbox()
        return
    url, unique = request.getfixturevalue("mongo_url"), request.getfixturevalue("unique")
    async with scratch_db(url, f"test_{unique}") as db:
        yield MongoInbox(db["inbox"], clock=lambda: datetime.now(UTC))


async def test_a_message_is_seen_once_it_is_recorded(inbox: Inbox) -> None:
    assert not await inbox.seen("m1")
    await inbox.record("m1")
    assert await inbox.seen("m1")
    assert not await inbox.seen("m2")


async def test_recording_twice_is_harmless(inbox: Inbox) -> None:
    await inbox.record("m1")
    await inbox.record("m1")
    assert await inbox.seen("m1")


async def test_concurrent_records_of_one_id_all_succeed(inbox: Inbox) -> None:
    await asyncio.gather(*(inbox.record("m1") for _ in range(5)))
    assert await inbox.seen("m1")


async def test_ids_are_exact_not_patterns(inbox: Inbox) -> None:
    await inbox.record("a.b")
    assert not await inbox.seen("a_b")
    assert not await inbox.seen("A.B")
    assert not await inbox.seen("a.")
