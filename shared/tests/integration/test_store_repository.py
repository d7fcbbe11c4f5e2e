"""Repository tests that run unchanged against whatever MONGO_URL points to (dev store or real)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import TimerCancel
from aftersales_shared.errors import ConcurrencyConflict, Conflict
from aftersales_shared.persistence import Doc, MongoInbox, VersionedCollection
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def cancel(deadline_id: str) -> object:
    return envelope(
        type="timer.cancel",
        payload=TimerCancel(deadline_id=deadline_id),
        occurred_at=NOW,
        seller_id="s1",
    )


def versioned(db: AsyncDatabase[Doc]) -> tuple[VersionedCollection, list[int]]:
    writes: list[int] = []
    return VersionedCollection(db["orders"], on_write=lambda _: writes.append(1)), writes


async def test_insert_then_get_keeps_data_times_and_messages(db: AsyncDatabase[Doc]) -> None:
    orders, writes = versioned(db)
    message = cancel("d1")
    await orders.insert({"_id": "o1", "at": NOW, "n": {"a": [1, 2]}}, messages=[message])  # type: ignore[list-item]
    stored = await orders.get("o1")
    assert stored is not None
    assert stored.version == 1
    assert stored.data == {"_id": "o1", "at": NOW, "n": {"a": [1, 2]}}
    assert stored.data["at"].tzinfo is not None
    assert [m["id"] for m in stored.outbox] == [message.id]  # type: ignore[attr-defined]
    assert writes == [1]


async def test_a_duplicate_insert_is_a_conflict(db: AsyncDatabase[Doc]) -> None:
    orders, _ = versioned(db)
    await orders.insert({"_id": "o1"})
    with pytest.raises(Conflict):
        await orders.insert({"_id": "o1"})


async def test_save_is_compare_and_set_on_the_version(db: AsyncDatabase[Doc]) -> None:
    orders, _ = versioned(db)
    await orders.insert({"_id": "o1", "state": "A"})
    first = await orders.get("o1")
    second = await orders.get("o1")
    assert first is not None
    assert second is not None
    await orders.save(first, {"_id": "o1", "state": "B"}, messages=[cancel("b")])  # type: ignore[list-item]
    with pytest.raises(ConcurrencyConflict):
        await orders.save(second, {"_id": "o1", "state": "C"}, messages=[cancel("c")])  # type: ignore[list-item]
    stored = await orders.get("o1")
    assert stored is not None
    assert (stored.version, stored.data["state"]) == (2, "B")
    assert deadline_ids(stored.outbox) == ["b"]


async def test_concurrent_saves_one_wins(db: AsyncDatabase[Doc]) -> None:
    orders, _ = versioned(db)
    await orders.insert({"_id": "o1", "n": 0})
    read = [await orders.get("o1") for _ in range(5)]
    results = await asyncio.gather(
        *(orders.save(r, {"_id": "o1", "n": i}) for i, r in enumerate(read) if r),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, BaseException))


async def test_unsent_messages_are_carried_over_by_the_next_save(db: AsyncDatabase[Doc]) -> None:
    orders, _ = versioned(db)
    await orders.insert({"_id": "o1"}, messages=[cancel("first")])  # type: ignore[list-item]
    current = await orders.get("o1")
    assert current is not None
    await orders.save(current, {"_id": "o1", "x": 1}, messages=[cancel("second")])  # type: ignore[list-item]
    stored = await orders.get("o1")
    assert stored is not None
    assert deadline_ids(stored.outbox) == ["first", "second"]


async def test_the_write_cache_answers_without_a_read_and_the_cas_catches_it_stale(
    db: AsyncDatabase[Doc],
) -> None:
    mine = VersionedCollection(db["orders"], cache_size=2)
    other = VersionedCollection(db["orders"])  # another process
    await mine.insert({"_id": "o1", "n": 1})
    await db["orders"].update_one({"_id": "o1"}, {"$set": {"n": 99}})  # behind its back
    cached = await mine.get_for_update("o1")
    assert cached is not None
    assert cached.data["n"] == 1, "from memory: the store was not read"
    theirs = await other.get("o1")
    assert theirs is not None
    await other.save(theirs, {"_id": "o1", "n": 2})
    with pytest.raises(ConcurrencyConflict):
        await mine.save(cached, {"_id": "o1", "n": 3})
    fresh = await mine.get_for_update("o1")
    assert fresh is not None
    assert (fresh.version, fresh.data["n"]) == (2, 2), "a refused write forgets the stale copy"
    saved = await mine.save(fresh, {"_id": "o1", "n": 3})
    assert await mine.get_for_update("o1") is saved


class HeldReads:
    """A collection whose `find_one` reads the store at once and answers when released."""

    def __init__(self, collection: object) -> None:
        self._collection = collection
        self.read, self.release = asyncio.Event(), asyncio.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self._collection, name)

    async def find_one(self, *args: object, **kwargs: object) -> object:
        raw = await self._collection.find_one(*args, **kwargs)  # type: ignore[attr-defined]
        self.read.set()
        await self.release.wait()
        return raw


async def test_a_read_answered_after_this_process_wrote_does_not_replace_the_newer_version(
    db: AsyncDatabase[Doc],
) -> None:
    held = HeldReads(db["orders"])
    mine = VersionedCollection(held, cache_size=2)  # type: ignore[arg-type]
    first = await mine.insert({"_id": "o1", "n": 1})
    reading = asyncio.create_task(mine.get("o1"))
    await asyncio.wait_for(held.read.wait(), timeout=60)  # it saw version 1 ...
    saved = await mine.save(first, {"_id": "o1", "n": 2})  # ... then this process wrote 2
    held.release.set()
    late = await reading
    assert late is not None
    assert late.version == 1
    assert await mine.get_for_update("o1") is saved, "memory keeps the newer version"


async def test_the_write_cache_keeps_only_the_most_recently_used(db: AsyncDatabase[Doc]) -> None:
    orders = VersionedCollection(db["orders"], cache_size=2)
    for n in range(3):
        await orders.insert({"_id": f"o{n}", "n": n})
    await db["orders"].update_many({}, {"$set": {"n": -1}})
    got = [await orders.get_for_update(f"o{n}") for n in (2, 1, 0)]
    assert [g.data["n"] if g else None for g in got] == [2, 1, -1], "o0 was dropped, so read"


async def test_inbox_remembers_handled_ids(db: AsyncDatabase[Doc]) -> None:
    inbox = MongoInbox(db["inbox"], clock=lambda: NOW)
    assert not await inbox.seen("m1")
    await inbox.record("m1")
    await inbox.record("m1")
    assert await inbox.seen("m1")
    assert await db["inbox"].count_documents({}) == 1


def deadline_ids(outbox: list[Doc]) -> list[str]:
    """The deadline ids of the timer.cancel messages an outbox keeps (bodies are JSON)."""
    return [json.loads(m["body"])["payload"]["deadline_id"] for m in outbox]


def message_id(outbox: list[Doc], deadline_id: str) -> str:
    return next(
        m["id"] for m in outbox if json.loads(m["body"])["payload"]["deadline_id"] == deadline_id
    )


async def test_a_message_published_after_the_read_is_not_carried_to_the_next_version(
    db: AsyncDatabase[Doc],
) -> None:
    orders = VersionedCollection(db["orders"], cache_size=4)
    first = await orders.insert({"_id": "o1"}, messages=[cancel("first")])  # type: ignore[list-item]
    current = await orders.get_for_update("o1")  # a command reads ...
    assert current is not None
    assert deadline_ids(current.outbox) == ["first"]
    orders.sent("o1", 1, {message_id(first.outbox, "first")})  # ... then the confirm comes
    saved = await orders.save(current, {"_id": "o1", "n": 2}, messages=[cancel("second")])  # type: ignore[list-item]
    assert deadline_ids(saved.outbox) == ["second"]
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert deadline_ids(raw["_outbox"]) == ["second"], "the store too"


class ConfirmDuringWrite:
    """A collection whose `replace_one` lets a confirm arrive while the write is in the store."""

    def __init__(self, collection: object, confirm: object) -> None:
        self._collection, self._confirm = collection, confirm

    def __getattr__(self, name: str) -> object:
        return getattr(self._collection, name)

    async def replace_one(self, *args: object, **kwargs: object) -> object:
        result = await self._collection.replace_one(*args, **kwargs)  # type: ignore[attr-defined]
        self._confirm()  # type: ignore[operator]
        return result


async def test_a_confirm_during_the_write_leaves_the_new_version_in_memory_without_it(
    db: AsyncDatabase[Doc],
) -> None:
    orders = VersionedCollection(db["orders"], cache_size=4)
    first = await orders.insert({"_id": "o1"}, messages=[cancel("first")])  # type: ignore[list-item]
    sent = message_id(first.outbox, "first")
    orders.collection = ConfirmDuringWrite(db["orders"], lambda: orders.sent("o1", 1, {sent}))  # type: ignore[assignment]
    current = await orders.get_for_update("o1")
    assert current is not None
    saved = await orders.save(current, {"_id": "o1", "n": 2}, messages=[cancel("second")])  # type: ignore[list-item]
    assert deadline_ids(saved.outbox) == ["first", "second"], "the relay is handed what is stored"
    raw = await db["orders"].find_one({"_id": "o1"})
    assert raw is not None
    assert deadline_ids(raw["_outbox"]) == ["first", "second"], "stored before the confirm"
    latest = await orders.get_for_update("o1")
    assert latest is not None
    assert latest.version == 2
    assert deadline_ids(latest.outbox) == ["second"], "what went out meanwhile is not carried on"


async def test_a_confirm_of_an_older_version_drops_its_messages_from_the_newer_one(
    db: AsyncDatabase[Doc],
) -> None:
    orders = VersionedCollection(db["orders"], cache_size=4)
    first = await orders.insert({"_id": "o1"}, messages=[cancel("first")])  # type: ignore[list-item]
    current = await orders.get_for_update("o1")
    assert current is not None
    await orders.save(current, {"_id": "o1", "n": 2}, messages=[cancel("second")])  # type: ignore[list-item]
    orders.sent("o1", 1, {message_id(first.outbox, "first")})  # the confirm of version 1, late
    latest = await orders.get_for_update("o1")
    assert latest is not None
    assert latest.version == 2
    assert deadline_ids(latest.outbox) == ["second"]
