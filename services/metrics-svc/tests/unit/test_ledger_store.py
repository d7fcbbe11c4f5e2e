"""The ledger's repository contract: MongoLedger and the dict-backed fake pass the same tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.persistence import connect_mongo
from metrics_svc.adapters.ledger import MongoLedger, WriteSequence
from metrics_svc.domain.ledger import Entry, cursor_of
from metrics_svc.ports import LedgerStore, MovementRecord

from .fakes import FakeLedger

AT = datetime(2026, 12, 3, 4, 5, 6, 789000, tzinfo=UTC)  # whole milliseconds: stored as ms


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.integration)])
async def ledger(request: pytest.FixtureRequest, unique: str) -> AsyncIterator[LedgerStore]:
    if request.param == "memory":
        yield FakeLedger()
        return
    client = connect_mongo(request.getfixturevalue("mongo_url"))
    store = MongoLedger(client[f"l{unique}"])
    await store.ensure_indexes()
    try:
        yield store
    finally:
        await client.drop_database(f"l{unique}")
        await client.close()


def entry(n: int, *, seller: str = "s1", month: str = "2026-12", kind: str = "REFUND") -> Entry:
    return Entry(
        f"o{n}:{kind}@v1", kind, seller, f"o{n}", 100 * n + 1, "SELLER", "CUSTOMER",
        AT + timedelta(minutes=n), month, (f"o{n}",), "a note", f"m{n}",
    )  # fmt: skip


def record(n: int, *, seller: str = "s1", month: str = "2026-12") -> MovementRecord:
    return MovementRecord(f"o{n}:REFUND@v1", seller, f"o{n}", month, f"m{n}", f'{{"n": {n}}}')


async def test_an_entry_is_stored_once_and_read_back_as_it_was(ledger: LedgerStore) -> None:
    first = entry(1)
    await ledger.record([record(1)], [first])
    tampered = Entry(first.id, first.kind, "s1", "o1", 5, "SELLER", "CUSTOMER", AT, "2026-12")
    await ledger.record([MovementRecord(first.id, "s1", "o1", "2026-12", "x", "{}")], [tampered])
    assert await ledger.month_entries("2026-12", seller_id="s1") == [first]
    assert await ledger.month_movements("2026-12", seller_id="s1") == [record(1)]


async def test_month_queries_by_seller_and_for_all(ledger: LedgerStore) -> None:
    mine, theirs, later = entry(1), entry(2, seller="s2"), entry(3, month="2027-01")
    await ledger.record([record(1), record(2, seller="s2")], [mine, theirs, later])
    assert await ledger.month_entries("2026-12", seller_id="s1") == [mine]
    both = await ledger.month_entries("2026-12", seller_id=None)
    assert sorted(e.id for e in both) == [mine.id, theirs.id]
    assert await ledger.month_entries("2027-01", seller_id="s2") == []
    assert [r.id for r in await ledger.month_movements("2026-12", seller_id="s2")] == [record(2).id]


async def test_entries_are_paged_in_time_order_with_filters(ledger: LedgerStore) -> None:
    entries = [entry(n, kind="REFUND" if n % 2 else "FINE") for n in range(1, 8)]
    await ledger.record([], entries[::-1])

    async def page(after: str | None, **filters: str | None) -> list[Entry]:
        query: dict[str, str | None] = {
            "seller_id": None, "order_id": None, "month": None, "kind": None
        }  # fmt: skip
        return await ledger.entries(**(query | filters), after=after, limit=3)  # type: ignore[arg-type]

    first = await page(None, seller_id="s1")
    assert first == entries[:3]
    assert await page(cursor_of(first[-1]), seller_id="s1") == entries[3:6]
    assert await page(cursor_of(entries[5]), month="2026-12") == entries[6:]
    assert await page(None, kind="FINE", seller_id="s1", month="2026-12") == entries[1:6:2]
    assert await page(None, order_id="o4") == [entries[3]]
    assert await page(None, seller_id="s2") == []


async def test_entries_written_after_a_version(ledger: LedgerStore) -> None:
    before = await ledger.version()
    await ledger.record([], [entry(1), entry(2), entry(3, seller="s2")])
    first = await ledger.version()
    assert first > before
    found = await ledger.written_after("2026-12", seller_id="s1", version=before)
    assert sorted(e.id for e in found) == [entry(1).id, entry(2).id]
    assert await ledger.written_after("2026-12", seller_id="s1", version=first) == []
    await ledger.record([], [entry(4), entry(1)])  # entry 1 again: nothing changes
    assert await ledger.version() > first
    assert await ledger.written_after("2026-12", seller_id="s1", version=first) == [entry(4)]


async def test_a_writer_that_takes_over_numbers_its_writes_after_the_last(
    ledger: LedgerStore,
) -> None:
    await ledger.record([], [entry(1)])
    seen = await ledger.version()
    await ledger.resume()  # another process became the writer, or this one again
    await ledger.record([], [entry(2)])
    assert await ledger.version() > seen
    assert await ledger.written_after("2026-12", seller_id="s1", version=seen) == [entry(2)]


def test_the_version_waits_for_a_write_that_began_earlier_and_ends_later() -> None:
    writes = WriteSequence(ended=10)
    a, b = writes.begin(), writes.begin()
    assert writes.end(b) == 10  # a is still in the store: what it writes may land after b
    c = writes.begin()
    assert writes.end(a) == b
    assert writes.end(c) == c


@pytest.mark.integration
async def test_entries_stored_in_the_format_of_2026_12_01_are_read(
    mongo_url: str, unique: str
) -> None:
    client = connect_mongo(mongo_url)
    store = MongoLedger(client[f"l{unique}"])
    old, ms = entry(1), 1_796_083_200_000  # written on 2026-12-01, one field each
    await store.ledger.insert_one({
        "_id": old.id, "k": old.kind, "s": "s1", "o": old.order_id, "fen": old.fen,
        "pr": old.payer, "pe": old.payee, "at": int(old.at.timestamp() * 1000), "m": old.month,
        "os": list(old.order_ids), "n": old.note, "src": old.source, "c": cursor_of(old),
        "w": ms, "smw": f"s1|2026-12|{ms:013d}", "b": record(1).body, "bs": "s1",
        "bo": old.order_id, "bm": old.month, "bsrc": record(1).source,
    })  # fmt: skip
    try:
        await store.record([record(2)], [entry(2)])  # the first write numbers after the stamps
        assert await store.month_entries("2026-12", seller_id="s1") in (
            [old, entry(2)],
            [entry(2), old],
        )
        assert sorted(r.id for r in await store.month_movements("2026-12", seller_id="s1")) == [
            record(1).id, record(2).id
        ]  # fmt: skip
        assert await store.written_after("2026-12", seller_id="s1", version=ms) == [entry(2)]
    finally:
        await client.drop_database(f"l{unique}")
        await client.close()
