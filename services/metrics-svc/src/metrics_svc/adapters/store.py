"""metrics-svc's collections: facts (each counted once), counters, frozen results, escalations.

The development store's sharp edges shape this: filters use `$eq` so indexes are used, instants
are stored as epoch milliseconds, and nothing is aggregated in the store; Python folds counters.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import structlog
from aftersales_shared.store import Doc, VersionedCollection
from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, PyMongoError

from metrics_svc.domain.facts import PENALTY_KINDS, Fact, FactKind, deltas

log = structlog.get_logger(__name__)
DUPLICATE_KEY = 11000


def fact_doc(fact: Fact, *, late: bool) -> Doc:
    doc: Doc = {
        "_id": fact.key,
        "k": str(fact.kind),
        "s": fact.seller_id,
        "w": fact.week,
        "ok": fact.ok,
        "o": fact.order_id,
        "late": late,
    }
    if fact.kind in PENALTY_KINDS:
        doc |= {"sw": f"{fact.seller_id}|{fact.week}", "pw": fact.week, "fen": fact.amount_fen}
    return doc


def fact_from_doc(doc: Doc) -> Fact:
    subject = str(doc["_id"]).split(":", 1)[1]
    kind = FactKind(doc["k"])
    return Fact(kind, subject, doc["s"], doc["w"], doc["ok"], doc["o"], int(doc.get("fen", 0)))


def counts(doc: Doc) -> dict[str, int]:
    """The counters of a counters document (flat fields: the store mishandles dotted $inc)."""
    return {k: int(v) for k, v in doc.items() if k not in ("_id", "w", "s")}


class MetricsStore:
    """All reads and writes of metrics-svc's database."""

    def __init__(self, db: AsyncDatabase[Doc], *, closed: VersionedCollection) -> None:
        self.facts = db["facts"]
        """Every fact once (its key is the _id): no secondary index, so inserts stay cheap."""
        self.penalties = db["penalty_facts"]
        """Copies of the few penalty facts, indexed by seller-week and by week."""
        self.counters = db["counters"]
        self.weeks = db["weeks"]
        self.results = db["results"]
        self.escalations = db["escalations"]
        self.closed = closed

    async def ensure_indexes(self) -> None:
        """The indexes every query below relies on."""
        await self.penalties.create_index([("sw", ASCENDING)])
        await self.penalties.create_index([("pw", ASCENDING)])
        await self.counters.create_index([("w", ASCENDING)])
        await self.results.create_index([("w", ASCENDING)])
        await self.results.create_index([("wp", ASCENDING)])
        await self.escalations.create_index([("w", ASCENDING)])

    async def insert_new(self, facts: list[Fact], *, late_weeks: set[str]) -> list[Fact]:
        """Record facts; return those not recorded before (a redelivered one is a duplicate)."""
        if not facts:
            return []
        docs = [fact_doc(f, late=f.week in late_weeks) for f in facts]
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

    async def add_to_counters(self, facts: Iterable[Fact]) -> None:
        """$inc the per-seller-per-week counters, one upsert per seller and week."""
        folded: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for fact in facts:
            target = folded[(fact.week, fact.seller_id)]
            for name, by in deltas(fact).items():
                target[name] += by
        ops = [
            UpdateOne(
                {"_id": f"{week}|{seller}"},
                {
                    "$inc": dict(inc),
                    "$setOnInsert": {"w": week, "s": seller},
                },
                upsert=True,
            )
            for (week, seller), inc in folded.items()
        ]
        await self._retrying_bulk(ops)

    async def _retrying_bulk(self, ops: list[UpdateOne]) -> None:
        """The facts are already recorded: retry the counters hard rather than lose them."""
        if not ops:
            return
        for attempt in range(8):
            try:
                await self.counters.bulk_write(ops, ordered=True)
                return
            except PyMongoError as exc:
                log.warning("counter write failed, retrying", error=str(exc), attempt=attempt)
                await asyncio.sleep(0.1 * 2**attempt)
        await self.counters.bulk_write(ops, ordered=True)

    async def note_weeks(self, weeks: Iterable[str], *, late: dict[str, int]) -> None:
        """Remember the weeks seen (to close them later) and count late facts per week."""
        ops = [
            UpdateOne({"_id": w}, {"$inc": {"late_facts": late.get(w, 0)}}, upsert=True)
            for w in sorted(set(weeks) | set(late))
        ]
        if ops:
            await self.weeks.bulk_write(ops, ordered=False)

    async def known_weeks(self) -> dict[str, Doc]:
        return {d["_id"]: d async for d in self.weeks.find({})}

    async def closed_weeks(self) -> dict[str, Doc]:
        return {d["_id"]: d async for d in self.closed.collection.find({}, {"_outbox": 0})}

    async def counters_of_week(self, week: str) -> list[Doc]:
        return await self.counters.find({"w": {"$eq": week}}).to_list()

    async def counters_of(self, seller_id: str, week: str) -> dict[str, int]:
        doc = await self.counters.find_one({"_id": {"$eq": f"{week}|{seller_id}"}})
        return counts(doc) if doc else {}

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
