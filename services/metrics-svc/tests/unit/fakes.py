"""Dict-backed `FactStore` and `ResultStore`; `test_store_contract.py` runs them and the
MongoDB ones through the same tests, so a fake cannot drift from the store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

from aftersales_shared.contracts import Envelope
from metrics_svc.domain.counters import Page
from metrics_svc.domain.facts import PENALTY_KINDS, Fact
from metrics_svc.domain.ledger import Entry, cursor_of
from metrics_svc.domain.ranking import Ranked
from metrics_svc.domain.scoring import pct
from metrics_svc.ports import ClosedWeek, Escalation, MovementRecord, StoredFact, StoredPage


class FakeFacts:
    """The `FactStore` in dicts; `closed` is the set of closed weeks `FakeResults` writes."""

    def __init__(self, closed: dict[str, ClosedWeek] | None = None) -> None:
        self.facts: dict[str, StoredFact] = {}
        self.pages: dict[tuple[str, int], StoredPage] = {}
        self.mark: tuple[int, dict[str, int]] = (0, {})
        self.weeks: set[str] = set()
        self.closed = {} if closed is None else closed

    async def insert_new(
        self, facts: list[Fact], *, late_weeks: AbstractSet[str], q: int
    ) -> list[Fact]:
        new = []
        for fact in facts:
            if fact.key not in self.facts:
                self.facts[fact.key] = StoredFact(fact, q, fact.week in late_weeks)
                new.append(fact)
        return new

    async def facts_of_batch(self, q: int) -> list[StoredFact]:
        return [f for f in self.facts.values() if f.q == q]

    async def facts_after(self, q: int) -> AsyncIterator[StoredFact]:
        for stored in list(self.facts.values()):
            if stored.q > q:
                yield stored

    async def penalty_facts(self, week: str, *, seller_id: str | None) -> list[StoredFact]:
        return [
            f
            for f in self.facts.values()
            if f.fact.kind in PENALTY_KINDS
            and f.fact.week == week
            and seller_id in (None, f.fact.seller_id)
        ]

    async def saved_pages(self, week: str) -> list[StoredPage]:
        return [p for (w, _), p in sorted(self.pages.items()) if w == week]

    async def save_pages(self, pages: list[Page], *, q: int) -> None:
        for page in pages:  # a copy: the live values change after the save
            sellers = {s: list(v) for s, v in page.sellers.items()}
            self.pages[(page.week, page.number)] = StoredPage(page.number, q, sellers)

    async def save_watermark(self, q: int, *, late: dict[str, int]) -> None:
        self.mark = (q, dict(late))

    async def watermark(self) -> tuple[int, dict[str, int]]:
        return self.mark[0], dict(self.mark[1])

    async def note_weeks(self, weeks: Iterable[str]) -> None:
        self.weeks.update(weeks)

    async def known_weeks(self) -> set[str]:
        return set(self.weeks)

    async def closed_weeks(self) -> set[str]:
        return set(self.closed)


class FakeResults:
    """The `ResultStore` in dicts; `outbox` holds the messages of every closing."""

    def __init__(self, closed: dict[str, ClosedWeek] | None = None) -> None:
        self.closed = {} if closed is None else closed
        self.outbox: list[Envelope] = []
        self.results: dict[str, dict[str, Ranked]] = {}
        self.escalated: dict[str, list[Escalation]] = {}

    async def closed_week(self, week: str) -> ClosedWeek | None:
        return self.closed.get(week)

    async def save_results(self, week: str, ranking: Sequence[Ranked]) -> None:
        self.results[week] = {r.card.seller_id: r for r in ranking}

    async def save_escalations(
        self, week: str, escalated: Sequence[Ranked], *, at: datetime
    ) -> None:
        self.escalated[week] = [
            Escalation(r.card.seller_id, week, r.streak, pct(r.card.score), at) for r in escalated
        ]

    async def close_week(self, closed: ClosedWeek, *, messages: Sequence[Envelope]) -> None:
        if closed.week not in self.closed:
            self.closed[closed.week] = closed
            self.outbox.extend(messages)

    async def results_page(self, week: str, *, offset: int, limit: int) -> list[Ranked]:
        return [r for r in await self.all_results(week) if offset < r.position <= offset + limit]

    async def all_results(self, week: str) -> list[Ranked]:
        return sorted(self.results.get(week, {}).values(), key=lambda r: r.position)

    async def results_of(self, week: str, seller_ids: Sequence[str]) -> list[Ranked]:
        found = self.results.get(week, {})
        return [found[s] for s in seller_ids if s in found]

    async def result_of(self, seller_id: str, week: str) -> Ranked | None:
        return self.results.get(week, {}).get(seller_id)

    async def escalations(self, week: str | None) -> list[Escalation]:
        rows = [e for w, es in self.escalated.items() if week in (None, w) for e in es]
        return sorted(rows, key=lambda e: (e.week, e.seller_id), reverse=True)


def fake_stores() -> tuple[FakeFacts, FakeResults]:
    """The two fakes over one set of closed weeks (as the two Mongo stores share a collection)."""
    closed: dict[str, ClosedWeek] = {}
    return FakeFacts(closed), FakeResults(closed)


class FakeLedger:
    """The `LedgerStore` in dicts (each entry and movement once, by id)."""

    def __init__(self) -> None:
        self.entries_: dict[str, Entry] = {}
        self.movements: dict[str, MovementRecord] = {}
        self.written: dict[str, int] = {}
        """The number of the write that stored each entry (every write ends at once here)."""
        self.seq = 0

    async def record(self, movements: list[MovementRecord], entries: list[Entry]) -> None:
        self.seq += 1
        for record in movements:
            self.movements.setdefault(record.id, record)
        for entry in entries:
            if entry.id not in self.entries_:
                self.entries_[entry.id] = entry
                self.written[entry.id] = self.seq

    async def resume(self) -> None:
        pass

    async def version(self) -> int:
        return self.seq

    async def entries(
        self, *, seller_id: str | None, order_id: str | None, month: str | None,
        kind: str | None, after: str | None, limit: int,
    ) -> list[Entry]:  # fmt: skip
        found = [
            e for e in self.entries_.values()
            if seller_id in (None, e.seller_id) and order_id in (None, e.order_id)
            and month in (None, e.month) and kind in (None, e.kind)
            and (after is None or cursor_of(e) > after)
        ]  # fmt: skip
        return sorted(found, key=cursor_of)[:limit]

    async def month_entries(self, month: str, *, seller_id: str | None) -> list[Entry]:
        return [
            e for e in self.entries_.values()
            if e.month == month and seller_id in (None, e.seller_id)
        ]  # fmt: skip

    async def month_movements(self, month: str, *, seller_id: str | None) -> list[MovementRecord]:
        return [
            r for r in self.movements.values()
            if r.month == month and seller_id in (None, r.seller_id)
        ]  # fmt: skip

    async def written_after(self, month: str, *, seller_id: str, version: int) -> list[Entry]:
        return [
            e for e in await self.month_entries(month, seller_id=seller_id)
            if self.written.get(e.id, version + 1) > version
        ]  # fmt: skip
