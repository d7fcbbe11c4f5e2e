"""One CaseRepository contract, run against the dict-backed fake and against MongoCases.

The handlers' unit tests trust the fake; these tests keep it honest: whatever they say of one
repository holds for the other (the real one on the store the integration tests use)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

import pytest
from aftersales_shared.errors import ConcurrencyConflict, Invalid
from aftersales_shared.persistence import VersionedCollection
from aftersales_testkit import scratch_db
from arbitration_svc.adapters.mongo import MongoCases
from arbitration_svc.domain.case import Case, Status, open_case, rule, take
from arbitration_svc.domain.events import case_ruled
from arbitration_svc.domain.ruling import Outcome
from arbitration_svc.handlers import case_request, ruled_message
from arbitration_svc.ports import CaseQuery, CaseRepository

from ..unit.factories import T0, request
from ..unit.fakes import FakeCases


@dataclass
class Subject:
    repo: CaseRepository
    stored_messages: Callable[[str], Awaitable[list[str]]]
    """The ids of the messages stored with a case."""


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "fake":
        fake = FakeCases()

        async def fake_messages(case_id: str) -> list[str]:
            return [m.id for m in fake.outbox if m.id.endswith(case_id)]

        yield Subject(repo=fake, stored_messages=fake_messages)
        return
    url, unique = request.getfixturevalue("mongo_url"), request.getfixturevalue("unique")
    async with scratch_db(url, f"test_{unique}") as db:
        versioned = VersionedCollection(db["cases"])
        mongo = MongoCases(versioned)
        await mongo.ensure_indexes()

        async def mongo_messages(case_id: str) -> list[str]:
            stored = await versioned.get(case_id)
            return [] if stored is None else [m["id"] for m in stored.outbox]

        yield Subject(repo=mongo, stored_messages=mongo_messages)


def case(
    case_id: str, *, order_id: str | None = None, seller: str = "seller-1", minutes: int = 0
) -> Case:
    """An OPEN case of `order_id` (default: its own order), opened `minutes` after T0."""
    ask = replace(case_request(request(order_id=order_id or f"o-{case_id}")), seller_id=seller)
    at = T0 + timedelta(minutes=minutes)
    return open_case(case_id=case_id, request=ask, at=at, correlation_id=f"corr-{case_id}")


def ruled(opened: Case) -> Case:
    taken = take(opened, agent="a", at=T0 + timedelta(hours=1))
    at = T0 + timedelta(hours=2)
    return rule(taken, agent="a", at=at, outcome=Outcome.REFUND, amount=Decimal("10"), note="ok")


async def test_an_added_case_reads_back_as_it_was(subject: Subject) -> None:
    opened = case("c1")
    assert await subject.repo.add(opened)
    stored = await subject.repo.get("c1")
    assert stored is not None
    assert stored.case == opened
    assert await subject.repo.get("nope") is None


async def test_a_case_id_or_an_open_order_is_taken_once(subject: Subject) -> None:
    assert await subject.repo.add(case("c1", order_id="o1"))
    assert not await subject.repo.add(case("c1", order_id="o2"))
    assert not await subject.repo.add(case("c2", order_id="o1"))
    assert await subject.repo.get("c2") is None


async def test_a_ruling_frees_the_order_for_a_new_case(subject: Subject) -> None:
    first = case("c1", order_id="o1")
    await subject.repo.add(first)
    stored = await subject.repo.get("c1")
    assert stored is not None
    await subject.repo.save(stored, ruled(first))
    assert await subject.repo.add(case("c2", order_id="o1"))


async def test_save_is_compare_and_set_and_keeps_its_messages(subject: Subject) -> None:
    first = case("c1")
    await subject.repo.add(first)
    one, two = await subject.repo.get("c1"), await subject.repo.get("c1")
    assert one is not None
    assert two is not None
    after = ruled(first)
    await subject.repo.save(one, after, messages=[ruled_message(case_ruled(after))])
    with pytest.raises(ConcurrencyConflict):
        await subject.repo.save(two, take(first, agent="b", at=T0))
    stored = await subject.repo.get("c1")
    assert stored is not None
    assert stored.case == after
    assert await subject.stored_messages("c1") == ["arbitration.ruled-c1"]
    again = await subject.repo.get("c1")
    assert again is not None
    await subject.repo.save(again, after.model_copy(update={"requests": ("r1",)}))
    last = await subject.repo.get("c1")
    assert last is not None
    assert last.case.requests == ("r1",)


async def test_find_filters_oldest_first(subject: Subject) -> None:
    for n, seller in enumerate(["s1", "s2", "s1", "s1"]):
        await subject.repo.add(case(f"c{n}", seller=seller, minutes=10 * n))
    stored = await subject.repo.get("c2")
    assert stored is not None
    await subject.repo.save(stored, take(stored.case, agent="a", at=T0))

    async def ids(**filters: object) -> list[str]:
        page = await subject.repo.find(CaseQuery(**filters))  # type: ignore[arg-type]
        return [c.id for c in page.items]

    assert await ids() == ["c0", "c1", "c2", "c3"]
    assert await ids(seller_id="s1") == ["c0", "c2", "c3"]
    assert await ids(statuses=frozenset({Status.IN_REVIEW})) == ["c2"]
    assert await ids(statuses=frozenset({Status.OPEN}), seller_id="s1") == ["c0", "c3"]
    after, before = T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)
    assert await ids(opened_after=after, opened_before=before) == ["c1", "c2"]


async def test_pages_follow_one_another_without_gaps_or_repeats(subject: Subject) -> None:
    for n in range(5):
        await subject.repo.add(case(f"c{n}", minutes=n % 2))  # ties on the instant
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = await subject.repo.find(CaseQuery(limit=2, cursor=cursor))
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["c0", "c2", "c4", "c1", "c3"]
    with pytest.raises(Invalid):
        await subject.repo.find(CaseQuery(cursor="not a cursor"))


async def test_open_since_lists_the_open_cases_only(subject: Subject) -> None:
    for n in range(3):
        await subject.repo.add(case(f"c{n}", minutes=n))
    stored = await subject.repo.get("c0")
    assert stored is not None
    await subject.repo.save(stored, ruled(stored.case))
    stored = await subject.repo.get("c1")
    assert stored is not None
    await subject.repo.save(stored, take(stored.case, agent="a", at=T0))
    assert sorted(await subject.repo.open_since()) == [
        (Status.IN_REVIEW, T0 + timedelta(minutes=1)),
        (Status.OPEN, T0 + timedelta(minutes=2)),
    ]
