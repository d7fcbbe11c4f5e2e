"""metrics-svc's collections: facts (each counted once), counter pages, results, escalations.

The development store's sharp edges shape this: filters use `$eq` so indexes are used, instants
are stored as epoch milliseconds, and nothing is aggregated in the store; Python folds counters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import structlog
from aftersales_shared.persistence import Doc, VersionedCollection
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from metrics_svc.domain.counters import COUNTERS, Page, from_counts
from metrics_svc.domain.facts import PENALTY_KINDS, Fact, FactKind

log = structlog.get_logger(__name__)
DUPLICATE_KEY = 11000
PAGES_PER_WRITE = 16


def fact_doc(fact: Fact, *, late: bool, q: int) -> Doc:
    """A fact as stored; `q` is the batch that first recorded it (see `Ingestor`)."""
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


def counts(doc: Doc) -> dict[str, int]:
    """The counters of a (pre-checkpoint) per-seller counters document: its flat fields."""
    return {k: int(v) for k, v in doc.items() if k not in ("_id", "w", "s")}


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
    """All reads and writes of metrics-svc's database."""

    def __init__(self, db: AsyncDatabase[Doc], *, closed: VersionedCollection) -> None:
        self.facts = db["facts"]
        """Every fact once (its key is the _id), with the batch `q` that recorded it (indexed)."""
        self.penalties = db["penalty_facts"]
        """Copies of the few penalty facts, indexed by seller-week and by week."""
        self.pages = db["counter_pages"]
        """The checkpointed counters of each week, a page of sellers per document."""
        self.state = db["ingest_state"]
        """One document: `q` of the last complete checkpoint (the watermark)."""
        self.legacy_counters = db["counters"]
        """Per-seller counters written by versions before the checkpoints; read, never written."""
        self.weeks = db["weeks"]
        self.results = db["results"]
        self.escalations = db["escalations"]
        self.closed = closed

    async def ensure_indexes(self) -> None:
        """The indexes every query below relies on."""
        await self.penalties.create_index([("sw", ASCENDING)])
        await self.penalties.create_index([("pw", ASCENDING)])
        await self.facts.create_index([("q", ASCENDING)])
        await self.pages.create_index([("w", ASCENDING)])
        await self.legacy_counters.create_index([("w", ASCENDING)])
        await self.results.create_index([("w", ASCENDING)])
        await self.results.create_index([("wp", ASCENDING)])
        await self.escalations.create_index([("w", ASCENDING)])

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

    async def watermark(self) -> tuple[int, dict[str, int] | None]:
        """The watermark and the late-fact counts as of it (None: nothing saved yet, or saved by
        a version that counted late facts in `weeks` instead)."""
        doc = await self.state.find_one({"_id": {"$eq": "checkpoint"}})
        if doc is None:
            return 0, None
        late = doc.get("late")
        return int(doc["q"]), None if late is None else json.loads(late)

    async def pages_of_week(self, week: str) -> list[Doc]:
        return await self.pages.find({"w": {"$eq": week}}).to_list()

    async def legacy_counters_of_week(self, week: str) -> list[Doc]:
        return await self.legacy_counters.find({"w": {"$eq": week}}).to_list()

    def facts_after(self, q: int) -> AsyncCursor[Doc]:
        """The facts recorded by batches after `q` (cheap: `q` is indexed)."""
        return self.facts.find({"q": {"$gt": q}})

    async def facts_of_batch(self, q: int) -> list[Doc]:
        return await self.facts.find({"q": {"$eq": q}}).to_list()

    async def note_weeks(self, weeks: Iterable[str]) -> None:
        """Remember the weeks seen (to close them later)."""
        ops = [UpdateOne({"_id": w}, {"$set": {"seen": True}}, upsert=True) for w in sorted(weeks)]
        if ops:
            await self.weeks.bulk_write(ops, ordered=False)

    async def known_weeks(self) -> dict[str, Doc]:
        """The weeks seen; `late_facts` in them is what versions before late counts were
        checkpointed had counted."""
        return {d["_id"]: d async for d in self.weeks.find({})}

    async def closed_weeks(self) -> dict[str, Doc]:
        return {d["_id"]: d async for d in self.closed.collection.find({}, {"_outbox": 0})}

    async def penalty_facts_of(self, seller_id: str, week: str) -> list[Doc]:
        return await self.penalties.find({"sw": {"$eq": f"{seller_id}|{week}"}}).to_list()

    async def penalty_facts_of_week(self, week: str) -> list[Doc]:
        return await self.penalties.find({"pw": {"$eq": week}}).to_list()

    async def result_of(self, seller_id: str, week: str) -> Doc | None:
        return await self.results.find_one({"_id": {"$eq": f"{week}|{seller_id}"}})

    async def results_page(self, week: str, *, offset: int, limit: int) -> list[Doc]:
        keys = [f"{week}|{p:07d}" for p in range(offset + 1, offset + limit + 1)]
        docs = await self.results.find({"wp": {"$in": keys}}).to_list()
        return sorted(docs, key=lambda d: int(d["p"]))

    async def all_results(self, week: str) -> list[Doc]:
        docs = await self.results.find({"w": {"$eq": week}}).to_list()
        return sorted(docs, key=lambda d: int(d["p"]))

    async def escalations_list(self, week: str | None) -> list[Doc]:
        query: dict[str, Any] = {} if week is None else {"w": {"$eq": week}}
        docs = await self.escalations.find(query).to_list()
        return sorted(docs, key=lambda d: (d["w"], d["s"]), reverse=True)
