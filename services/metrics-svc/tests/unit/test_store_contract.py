"""The repository contract: the MongoDB stores and the dict-backed fakes pass the same tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import WeekClosed
from aftersales_shared.persistence import VersionedCollection, connect_mongo
from metrics_svc.adapters.results import MongoResults
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.domain.counters import COUNTERS, Page
from metrics_svc.domain.facts import Fact, FactKind
from metrics_svc.domain.ranking import Ranked, rank
from metrics_svc.domain.scoring import scorecard
from metrics_svc.ports import BottomEntry, ClosedWeek, FactStore, ResultStore, StoredFact

from .fakes import fake_stores

Stores = tuple[FactStore, ResultStore]
WEEK, LATER = "2026-W40", "2026-W41"
AT = datetime(2026, 10, 5, 16, 0, 0, 123000, tzinfo=UTC)  # whole milliseconds: stored as ms


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.integration)])
async def stores(
    request: pytest.FixtureRequest, unique: str
) -> AsyncIterator[tuple[FactStore, ResultStore]]:
    if request.param == "memory":
        yield fake_stores()
        return
    client = connect_mongo(request.getfixturevalue("mongo_url"))
    db = client[f"c{unique}"]
    closed = VersionedCollection(db["closed_weeks"])
    facts, results = MetricsStore(db, closed=closed), MongoResults(db, closed=closed)
    await facts.ensure_indexes()
    await results.ensure_indexes()
    try:
        yield facts, results
    finally:
        await client.drop_database(f"c{unique}")
        await client.close()


def audit(order: str, *, seller: str = "s1", week: str = WEEK, ok: bool = True) -> Fact:
    return Fact(FactKind.AUDIT, order, seller, week, ok, order)


def overdue(order: str, *, seller: str = "s1", week: str = WEEK) -> Fact:
    return Fact(FactKind.PRE_COMPENSATION, order, seller, week, True, order, 19990)


async def test_a_fact_is_recorded_once_with_its_batch(stores: Stores) -> None:
    facts, _ = stores
    first = [audit("o1"), audit("o2", ok=False)]
    assert await facts.insert_new(first, late_weeks=set(), q=1) == first
    again = [audit("o2", ok=False), audit("o3", week=LATER)]
    assert await facts.insert_new(again, late_weeks={LATER}, q=2) == [again[1]]
    batch_one = await facts.facts_of_batch(1)
    assert sorted(batch_one, key=lambda s: s.fact.key) == [StoredFact(f, 1) for f in first]
    assert await facts.facts_of_batch(2) == [StoredFact(again[1], 2, late=True)]
    assert [s async for s in facts.facts_after(1)] == [StoredFact(again[1], 2, late=True)]
    assert len([s async for s in facts.facts_after(0)]) == 3


async def test_penalty_facts_by_seller_and_by_week(stores: Stores) -> None:
    facts, _ = stores
    mine, theirs = overdue("p1"), overdue("p2", seller="s2")
    await facts.insert_new(
        [mine, theirs, overdue("p3", week=LATER), audit("o1")], late_weeks=set(), q=1
    )
    assert await facts.penalty_facts(WEEK, seller_id="s1") == [StoredFact(mine, 1)]
    found = await facts.penalty_facts(WEEK, seller_id=None)
    assert sorted(s.fact.key for s in found) == [mine.key, theirs.key]
    assert await facts.penalty_facts(WEEK, seller_id="nobody") == []


async def test_pages_watermark_and_weeks_round_trip(stores: Stores) -> None:
    facts, _ = stores
    assert await facts.watermark() == (0, {})
    values = [n + 1 for n in range(len(COUNTERS))]
    page = Page(WEEK, 7, {"s1": values, "s2": [0] * len(COUNTERS)})
    await facts.save_pages([page], q=3)
    values[0] = 999  # the live values move on after the save
    [saved] = await facts.saved_pages(WEEK)
    assert (saved.number, saved.q) == (7, 3)
    assert saved.sellers == {"s1": [n + 1 for n in range(len(COUNTERS))], "s2": [0] * len(COUNTERS)}
    await facts.save_pages([Page(WEEK, 7, {"s1": [1] * len(COUNTERS)})], q=4)
    assert [(p.q, p.sellers) for p in await facts.saved_pages(WEEK)] == [
        (4, {"s1": [1] * len(COUNTERS)})
    ]
    assert await facts.saved_pages(LATER) == []
    await facts.save_watermark(4, late={WEEK: 2})
    assert await facts.watermark() == (4, {WEEK: 2})
    await facts.note_weeks([WEEK, LATER])
    await facts.note_weeks([WEEK])
    assert await facts.known_weeks() == {WEEK, LATER}


def ranking() -> list[Ranked]:
    counts = {"aud_d": 4, "aud_n": 3, "sat_d": 2, "sat_n": 2}
    cards = [
        scorecard(seller_id=f"s{n}", week=WEEK, counters=counts | {"aud_n": n % 4})
        for n in range(12)
    ]
    return rank(cards, previous_streaks={"s0": 2})


async def test_results_are_read_back_as_ranked(stores: Stores) -> None:
    _, results = stores
    ranked = ranking()
    await results.save_results(WEEK, ranked[::-1])
    assert await results.all_results(WEEK) == ranked
    assert await results.results_page(WEEK, offset=2, limit=3) == ranked[2:5]
    assert await results.result_of(ranked[4].card.seller_id, WEEK) == ranked[4]
    assert await results.result_of("nobody", WEEK) is None
    ids = [r.card.seller_id for r in ranked[-2:]]
    assert sorted(await results.results_of(WEEK, ids), key=lambda r: r.position) == ranked[-2:]
    await results.save_results(WEEK, ranked[:1])
    assert await results.all_results(WEEK) == ranked[:1]
    assert await results.all_results(LATER) == []


async def test_a_week_closes_once_with_its_escalations(stores: Stores) -> None:
    facts, results = stores
    ranked = ranking()
    escalated = [r for r in ranked if r.escalated]
    assert escalated, "the ranking has an escalation"
    await results.save_escalations(WEEK, escalated, at=AT)
    await results.save_escalations(LATER, [], at=AT)
    [row] = await results.escalations(None)
    assert (row.seller_id, row.week, row.streak, row.escalated_at) == ("s0", WEEK, 3, AT)
    assert await results.escalations(LATER) == []
    bottom = tuple(
        BottomEntry(r.card.seller_id, r.streak, r.position) for r in ranked if r.bottom10
    )
    closed = ClosedWeek(WEEK, AT, len(ranked), bottom)
    message = envelope(
        type="metrics.week_closed", occurred_at=AT, seller_id=None, id=f"wc-{WEEK}",
        payload=WeekClosed(week=WEEK, closed_at=AT, sellers_ranked=12, bottom10=[], escalated=[]),
    )  # fmt: skip
    assert await results.closed_week(WEEK) is None
    await results.close_week(closed, messages=[message])
    await results.close_week(ClosedWeek(WEEK, AT, 0, ()), messages=[])  # again: no change
    assert await results.closed_week(WEEK) == closed
    assert await facts.closed_weeks() == {WEEK}
