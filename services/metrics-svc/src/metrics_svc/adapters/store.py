"""metrics-svc's collections of the ingest side: facts (each counted once), counter pages,
the checkpoint's watermark and the weeks seen (`results.py`: the closed weeks' side).

The development store's sharp edges shape this: filters use `$eq` so indexes are used, instants
are stored as epoch milliseconds, and nothing is aggregated in the store; Python folds counters.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from collections.abc import Set as AbstractSet

import structlog
from aftersales_shared.persistence import Doc, VersionedCollection
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from metrics_svc.domain.counters import COUNTERS, Page, from_counts
from metrics_svc.domain.facts import PENALTY_KINDS, Fact, FactKind
from metrics_svc.ports import StoredFact, StoredPage

log = structlog.get_logger(__name__)
DUPLICATE_KEY = 11000
PAGES_PER_WRITE = 16


def fact_doc(fact: Fact, *, late: bool, q: int) -> Doc:
    """A fact as stored; `q` is the batch that first recorded it (see `handlers.ingest`)."""
    doc: Doc = {
        "_id": fact.key,
        "k": str(fact.kind),
        "s": fact.seller_id,
        "w": fact.week,
        "ok": fact.ok,
        "o": fact.order_id,
        "late": late,
        "q": q,
    }
    if fact.kind in PENALTY_KINDS:
        doc |= {"sw": f"{fact.seller_id}|{fact.week}", "pw": fact.week, "fen": fact.amount_fen}
    return doc


def fact_from_doc(doc: Doc) -> Fact:
    subject = str(doc["_id"]).split(":", 1)[1]
    kind = FactKind(doc["k"])
    return Fact(kind, subject, doc["s"], doc["w"], doc["ok"], doc["o"], int(doc.get("fen", 0)))


def stored_fact(doc: Doc) -> StoredFact:
    return StoredFact(fact_from_doc(doc), int(doc.get("q", 0)), bool(doc.get("late")))


FIELDS = " ".join(COUNTERS)


def page_doc(page: Page, *, q: int) -> Doc:
    """A page of counters as stored: its sellers' values as one JSON string (see the README)."""
    return {
        "_id": f"{page.week}#{page.number:03d}",
        "w": page.week,
        "p": page.number,
        "q": q,
        "n": len(page.sellers),
        "f": FIELDS,
        "c": json.dumps(page.sellers, separators=(",", ":")),
    }


def page_sellers(doc: Doc) -> dict[str, list[int]]:
    """The values of a stored page, in the order of `COUNTERS` (whatever order it was saved in)."""
    sellers: dict[str, list[int]] = json.loads(doc["c"])
    if doc["f"] == FIELDS:
        return sellers
    names = str(doc["f"]).split()
    return {s: from_counts(dict(zip(names, v, strict=True))) for s, v in sellers.items()}


class MetricsStore:
    """The `FactStore` on MongoDB."""

    def __init__(self, db: AsyncDatabase[Doc], *, closed: VersionedCollection) -> None:
        self.facts = db["facts"]
        """Every fact once (its key is the _id), with the batch `q` that recorded it (indexed)."""
        self.penalties = db["penalty_facts"]
        """Copies of the few penalty facts, indexed by seller-week and by week."""
        self.pages = db["counter_pages"]
        """The checkpointed counters of each week, a page of sellers per document."""
        self.state = db["ingest_state"]
        """One document: `q` of the last complete checkpoint (the watermark)."""
        self.weeks = db["weeks"]
        self.closed = closed

    async def ensure_indexes(self) -> None:
        """The indexes every query below relies on."""
        await self.penalties.create_index([("sw", ASCENDING)])
        await self.penalties.create_index([("pw", ASCENDING)])
        await self.facts.create_index([("q", ASCENDING)])
        await self.pages.create_index([("w", ASCENDING)])

    async def insert_new(
        self, facts: list[Fact], *, late_weeks: AbstractSet[str], q: int
    ) -> list[Fact]:
        """Record facts; return those not recorded before (a redelivered one is a duplicate)."""
        if not facts:
            return []
        docs = [fact_doc(f, late=f.week in late_weeks, q=q) for f in facts]
        penalties = [d for d in docs if "pw" in d]
        if penalties:  # first, and idempotent: the penalty ledger never misses a fact
            await self._insert_ignoring_duplicates(self.penalties, penalties)
        try:
            await self.facts.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            dup = {int(e["index"]) for e in errors}
            return [f for i, f in enumerate(facts) if i not in dup]
        return facts

    @staticmethod
    async def _insert_ignoring_duplicates(
        collection: AsyncCollection[Doc], docs: list[Doc]
    ) -> None:
        try:
            await collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise

    async def save_pages(self, pages: list[Page], *, q: int) -> None:
        """Write pages of counters with absolute values, as of batch `q`, a few per request."""
        for i in range(0, len(pages), PAGES_PER_WRITE):
            ops = []
            for page in pages[i : i + PAGES_PER_WRITE]:
                doc = page_doc(page, q=q)
                ops.append(UpdateOne({"_id": {"$eq": doc.pop("_id")}}, {"$set": doc}, upsert=True))
            await self.pages.bulk_write(ops, ordered=False)

    async def save_watermark(self, q: int, *, late: dict[str, int]) -> None:
        """Every fact up to batch `q` is in the saved pages (written after all of them) and in
        `late`, the late facts per closed week, saved in the same document (one write)."""
        await self.state.update_one(
            {"_id": {"$eq": "checkpoint"}},
            {"$set": {"q": q, "late": json.dumps(late, separators=(",", ":"), sort_keys=True)}},
            upsert=True,
        )

    async def watermark(self) -> tuple[int, dict[str, int]]:
        """The watermark and the late-fact counts as of it ((0, {}) before the first)."""
        doc = await self.state.find_one({"_id": {"$eq": "checkpoint"}})
        if doc is None:
            return 0, {}
        late: dict[str, int] = json.loads(doc["late"])
        return int(doc["q"]), late

    async def pages_of_week(self, week: str) -> list[Doc]:
        return await self.pages.find({"w": {"$eq": week}}).to_list()

    async def saved_pages(self, week: str) -> list[StoredPage]:
        return [
            StoredPage(int(d["p"]), int(d["q"]), page_sellers(d))
            for d in await self.pages_of_week(week)
        ]

    async def facts_after(self, q: int) -> AsyncIterator[StoredFact]:
        """The facts recorded by batches after `q` (cheap: `q` is indexed)."""
        async for doc in self.facts.find({"q": {"$gt": q}}):
            yield stored_fact(doc)

    async def facts_of_batch(self, q: int) -> list[StoredFact]:
        return [stored_fact(d) for d in await self.facts.find({"q": {"$eq": q}}).to_list()]

    async def note_weeks(self, weeks: Iterable[str]) -> None:
        """Remember the weeks seen (to close them later)."""
        ops = [UpdateOne({"_id": w}, {"$set": {"seen": True}}, upsert=True) for w in sorted(weeks)]
        if ops:
            await self.weeks.bulk_write(ops, ordered=False)

    async def known_weeks(self) -> set[str]:
        """The weeks seen."""
        return {d["_id"] async for d in self.weeks.find({})}

    async def closed_weeks(self) -> set[str]:
        return {d["_id"] async for d in self.closed.collection.find({}, {"_outbox": 0})}

    async def penalty_facts(self, week: str, *, seller_id: str | None) -> list[StoredFact]:
        if seller_id is None:
            query: Doc = {"pw": {"$eq": week}}
        else:
            query = {"sw": {"$eq": f"{seller_id}|{week}"}}
        return [stored_fact(d) for d in await self.penalties.find(query).to_list()]
