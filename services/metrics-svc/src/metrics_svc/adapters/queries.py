"""The read side: a closed week is read from its frozen results, an open one is projected live.

The live projection reads the ingestor's counters in memory: it includes every batch written
so far, not only the last checkpoint.
"""

from __future__ import annotations

from typing import Any

from aftersales_shared.clock import Clock
from aftersales_shared.money import show_fen
from aftersales_shared.persistence import Doc

from metrics_svc.adapters.closer import from_ms, rank_week
from metrics_svc.adapters.ingest import Ingestor
from metrics_svc.adapters.store import MetricsStore, fact_from_doc
from metrics_svc.adapters.views import line_view, row_view
from metrics_svc.domain.penalties import penalty_lines, total_fen
from metrics_svc.domain.ranking import Ranked, bottom10
from metrics_svc.domain.scoring import scorecard
from metrics_svc.domain.week_names import FIRST_WEEK
from metrics_svc.domain.weeks import parse_week, shift_week, week_of


def ranked_view(r: Ranked) -> dict[str, Any]:
    return row_view(r.card, position=r.position, bottom10=r.bottom10, streak=r.streak)


def result_view(week: str, doc: Doc) -> dict[str, Any]:
    card = scorecard(seller_id=doc["s"], week=week, counters=doc["c"])
    return row_view(card, position=int(doc["p"]), bottom10=bool(doc["b"]), streak=int(doc["st"]))


class Reader:
    def __init__(self, store: MetricsStore, ingestor: Ingestor, clock: Clock) -> None:
        self.store, self.ingestor, self.clock = store, ingestor, clock

    def current_week(self) -> str:
        return week_of(self.clock.now())

    async def header(self, week: str) -> dict[str, Any]:
        """Status of a week: closed (frozen) or live (a projection until Sunday 24:00)."""
        parse_week(week)
        closed = await self.store.closed.get(week)
        return {
            "week": week,
            "status": "closed" if closed else "live",
            "closed_at": from_ms(closed.data["closed_at_ms"]).isoformat() if closed else None,
            "ranked": closed.data["ranked"] if closed else None,
            "late_facts": self.ingestor.late.get(week, 0),
        }

    async def weeks(self) -> list[dict[str, Any]]:
        names = set(self.ingestor.weeks) | set(self.ingestor.closed) | {self.current_week()}
        return [await self.header(w) for w in sorted(names, reverse=True)]

    async def ranking(self, week: str, *, offset: int, limit: int) -> dict[str, Any]:
        head = await self.header(week)
        if head["status"] == "closed":
            docs = await self.store.results_page(week, offset=offset, limit=limit)
            return head | {"total": head["ranked"], "items": [result_view(week, d) for d in docs]}
        ranking = await rank_week(self.store, self.ingestor, week)
        items = [ranked_view(r) for r in ranking[offset : offset + limit]]
        return head | {"total": len(ranking), "items": items}

    async def all_rows(self, week: str) -> list[dict[str, Any]]:
        head = await self.header(week)
        if head["status"] == "closed":
            return [result_view(week, d) for d in await self.store.all_results(week)]
        return [ranked_view(r) for r in await rank_week(self.store, self.ingestor, week)]

    async def bottom10(self, week: str) -> dict[str, Any]:
        head = await self.header(week)
        if head["status"] == "closed":
            closed = await self.store.closed.get(week)
            assert closed is not None
            ids = [f"{week}|{b['s']}" for b in closed.data["bottom"]]
            docs = await self.store.results.find({"_id": {"$in": ids}}).to_list()
            items = [result_view(week, d) for d in sorted(docs, key=lambda d: -int(d["p"]))]
        else:
            ranking = await rank_week(self.store, self.ingestor, week)
            items = [ranked_view(r) for r in bottom10(ranking)]
        return head | {"items": items}

    async def scorecard(self, seller_id: str, week: str, *, history: int) -> dict[str, Any]:
        """The seller's week and the `history` weeks up to it (oldest first, none before 2000)."""
        parse_week(week)
        back = (shift_week(week, -k) for k in range(history - 1, -1, -1))
        weeks = [w for w in back if w >= FIRST_WEEK]
        out = [await self._week_of_seller(seller_id, w) for w in weeks]
        return {"seller_id": seller_id, "week": week, "current": out[-1], "history": out}

    async def _week_of_seller(self, seller_id: str, week: str) -> dict[str, Any]:
        head = await self.header(week)
        if head["status"] == "closed":
            doc = await self.store.result_of(seller_id, week)
            if doc is not None:
                return result_view(week, doc) | {"status": "closed"}
        card = scorecard(
            seller_id=seller_id, week=week, counters=self.ingestor.live.counts(week, seller_id)
        )
        return row_view(card, position=None, bottom10=None, streak=None) | {
            "status": head["status"]
        }

    async def penalties(self, week: str, *, seller_id: str | None) -> dict[str, Any]:
        """Penalty lines per seller (one seller, or every seller with a penalty that week)."""
        parse_week(week)
        if seller_id is not None:
            docs = await self.store.penalty_facts_of(seller_id, week)
        else:
            docs = await self.store.penalty_facts_of_week(week)
        by_seller: dict[str, list[Doc]] = {}
        for doc in docs:
            by_seller.setdefault(doc["s"], []).append(doc)
        if seller_id is not None:
            by_seller.setdefault(seller_id, [])
        items = []
        for seller, facts in sorted(by_seller.items()):
            lines = penalty_lines(fact_from_doc(d) for d in facts)
            late = {d["o"] for d in facts if d.get("late")}
            items.append(
                {
                    "seller_id": seller,
                    "week": week,
                    "lines": [line_view(x, late_orders=late) for x in lines],
                    "total": show_fen(total_fen(lines)),
                }
            )
        return {"week": week, "items": items}

    async def escalations(self, week: str | None) -> dict[str, Any]:
        docs = await self.store.escalations_list(week)
        items = [
            {"seller_id": d["s"], "week": d["w"], "streak": d["st"], "score": d["score"],
             "escalated_at": from_ms(d["at_ms"]).isoformat()}
            for d in docs
        ]  # fmt: skip
        return {"items": items}
