"""metrics-svc's collections of the closed weeks: frozen results, escalations, the closings.

A result keeps the counts behind its scorecard, so the frozen ranking is shown again exactly;
instants are stored as epoch milliseconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime

from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import Conflict
from aftersales_shared.persistence import Doc, VersionedCollection
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from metrics_svc.domain.ranking import Ranked
from metrics_svc.domain.scoring import INDICATORS, Scorecard, pct, scorecard
from metrics_svc.ports import BottomEntry, ClosedWeek, Escalation

CHUNK = 5000
"""Results per insert."""


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def counters_of(card: Scorecard) -> dict[str, int]:
    """The counts behind a scorecard, so the frozen result can be shown again exactly."""
    out: dict[str, int] = {}
    for spec, indicator in zip(INDICATORS, card.indicators, strict=True):
        out[spec.numerator] = indicator.numerator
        out[spec.denominator] = indicator.denominator
    return out


def result_doc(week: str, r: Ranked) -> Doc:
    return {
        "_id": f"{week}|{r.card.seller_id}",
        "w": week,
        "wp": f"{week}|{r.position:07d}",
        "s": r.card.seller_id,
        "p": r.position,
        "b": r.bottom10,
        "st": r.streak,
        "c": counters_of(r.card),
    }


def ranked_of(doc: Doc) -> Ranked:
    card = scorecard(seller_id=doc["s"], week=doc["w"], counters=doc["c"])
    return Ranked(int(doc["p"]), card, bool(doc["b"]), int(doc["st"]))


class MongoResults:
    """The `ResultStore` on MongoDB; `closed` carries the closings' messages (outbox)."""

    def __init__(self, db: AsyncDatabase[Doc], *, closed: VersionedCollection) -> None:
        self.results = db["results"]
        self.escalations_ = db["escalations"]
        self.closed = closed

    async def ensure_indexes(self) -> None:
        """The indexes every query below relies on."""
        await self.results.create_index([("w", ASCENDING)])
        await self.results.create_index([("wp", ASCENDING)])
        await self.escalations_.create_index([("w", ASCENDING)])

    async def closed_week(self, week: str) -> ClosedWeek | None:
        found = await self.closed.get(week)
        if found is None:
            return None
        data = found.data
        bottom = tuple(BottomEntry(b["s"], int(b["st"]), int(b["p"])) for b in data["bottom"])
        return ClosedWeek(week, from_ms(data["closed_at_ms"]), int(data["ranked"]), bottom)

    async def save_results(self, week: str, ranking: Sequence[Ranked]) -> None:
        await self.results.delete_many({"w": {"$eq": week}})
        docs = [result_doc(week, r) for r in ranking]
        for i in range(0, len(docs), CHUNK):
            await self.results.insert_many(docs[i : i + CHUNK], ordered=False)

    async def save_escalations(
        self, week: str, escalated: Sequence[Ranked], *, at: datetime
    ) -> None:
        await self.escalations_.delete_many({"w": {"$eq": week}})
        if escalated:
            await self.escalations_.insert_many(
                [
                    {
                        "_id": f"{week}|{r.card.seller_id}",
                        "w": week,
                        "s": r.card.seller_id,
                        "st": r.streak,
                        "score": pct(r.card.score),
                        "at_ms": ms(at),
                    }
                    for r in escalated
                ]
            )

    async def close_week(self, closed: ClosedWeek, *, messages: Sequence[Envelope]) -> None:
        data = {
            "_id": closed.week,
            "closed_at_ms": ms(closed.closed_at),
            "ranked": closed.ranked,
            "bottom": [{"s": b.seller_id, "st": b.streak, "p": b.position} for b in closed.bottom],
        }
        with contextlib.suppress(Conflict):
            await self.closed.insert(data, messages=messages)

    async def results_page(self, week: str, *, offset: int, limit: int) -> list[Ranked]:
        keys = [f"{week}|{p:07d}" for p in range(offset + 1, offset + limit + 1)]
        docs = await self.results.find({"wp": {"$in": keys}}).to_list()
        return sorted((ranked_of(d) for d in docs), key=lambda r: r.position)

    async def all_results(self, week: str) -> list[Ranked]:
        docs = await self.results.find({"w": {"$eq": week}}).to_list()
        return sorted((ranked_of(d) for d in docs), key=lambda r: r.position)

    async def results_of(self, week: str, seller_ids: Sequence[str]) -> list[Ranked]:
        ids = [f"{week}|{s}" for s in seller_ids]
        return [ranked_of(d) for d in await self.results.find({"_id": {"$in": ids}}).to_list()]

    async def result_of(self, seller_id: str, week: str) -> Ranked | None:
        doc = await self.results.find_one({"_id": {"$eq": f"{week}|{seller_id}"}})
        return None if doc is None else ranked_of(doc)

    async def escalations(self, week: str | None) -> list[Escalation]:
        query: Doc = {} if week is None else {"w": {"$eq": week}}
        docs = await self.escalations_.find(query).to_list()
        docs.sort(key=lambda d: (d["w"], d["s"]), reverse=True)
        return [
            Escalation(d["s"], d["w"], int(d["st"]), d["score"], from_ms(d["at_ms"])) for d in docs
        ]
