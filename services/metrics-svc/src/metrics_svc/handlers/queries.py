"""The read side: a closed week is read from its frozen results, an open one is projected live.

The live projection reads the ingestor's counters in memory: it includes every batch written
so far, not only the last checkpoint.
"""

from __future__ import annotations

from typing import Any

from aftersales_shared.clock import Clock
from aftersales_shared.money import show_fen

from metrics_svc.domain.penalties import penalty_lines, total_fen
from metrics_svc.domain.ranking import Ranked, bottom10
from metrics_svc.domain.scoring import scorecard
from metrics_svc.domain.week_names import FIRST_WEEK
from metrics_svc.domain.weeks import parse_week, shift_week, week_of
from metrics_svc.handlers.closing import rank_week
from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.views import line_view, row_view
from metrics_svc.ports import FactStore, ResultStore, StoredFact


def ranked_view(r: Ranked) -> dict[str, Any]:
    return row_view(r.card, position=r.position, bottom10=r.bottom10, streak=r.streak)


class Reader:
    def __init__(
        self, store: FactStore, results: ResultStore, ingestor: Ingestor, clock: Clock
    ) -> None:
        self.store, self.results, self.ingestor, self.clock = store, results, ingestor, clock

    def current_week(self) -> str:
        return week_of(self.clock.now())

    async def header(self, week: str) -> dict[str, Any]:
        """Status of a week: closed (frozen) or live (a projection until Sunday 24:00)."""
        parse_week(week)
        closed = await self.results.closed_week(week)
        return {
            "week": week,
            "status": "closed" if closed else "live",
            "closed_at": closed.closed_at.isoformat() if closed else None,
            "ranked": closed.ranked if closed else None,
            "late_facts": self.ingestor.late.get(week, 0),
        }

    async def weeks(self) -> list[dict[str, Any]]:
        names = set(self.ingestor.weeks) | set(self.ingestor.closed) | {self.current_week()}
        return [await self.header(w) for w in sorted(names, reverse=True)]

    async def ranking(self, week: str, *, offset: int, limit: int) -> dict[str, Any]:
        head = await self.header(week)
        if head["status"] == "closed":
            page = await self.results.results_page(week, offset=offset, limit=limit)
            return head | {"total": head["ranked"], "items": [ranked_view(r) for r in page]}
        ranking = await rank_week(self.results, self.ingestor, week)
        items = [ranked_view(r) for r in ranking[offset : offset + limit]]
        return head | {"total": len(ranking), "items": items}

    async def all_rows(self, week: str) -> list[dict[str, Any]]:
        head = await self.header(week)
        if head["status"] == "closed":
            return [ranked_view(r) for r in await self.results.all_results(week)]
        return [ranked_view(r) for r in await rank_week(self.results, self.ingestor, week)]

    async def bottom10(self, week: str) -> dict[str, Any]:
        head = await self.header(week)
        closed = await self.results.closed_week(week) if head["status"] == "closed" else None
        if closed is not None:
            found = await self.results.results_of(week, [b.seller_id for b in closed.bottom])
            items = [ranked_view(r) for r in sorted(found, key=lambda r: -r.position)]
        else:
            ranking = await rank_week(self.results, self.ingestor, week)
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
            result = await self.results.result_of(seller_id, week)
            if result is not None:
                return ranked_view(result) | {"status": "closed"}
        card = scorecard(
            seller_id=seller_id, week=week, counters=self.ingestor.live.counts(week, seller_id)
        )
        return row_view(card, position=None, bottom10=None, streak=None) | {
            "status": head["status"]
        }

    async def penalties(self, week: str, *, seller_id: str | None) -> dict[str, Any]:
        """Penalty lines per seller (one seller, or every seller with a penalty that week)."""
        parse_week(week)
        by_seller: dict[str, list[StoredFact]] = {}
        for stored in await self.store.penalty_facts(week, seller_id=seller_id):
            by_seller.setdefault(stored.fact.seller_id, []).append(stored)
        if seller_id is not None:
            by_seller.setdefault(seller_id, [])
        items = []
        for seller, facts in sorted(by_seller.items()):
            lines = penalty_lines(f.fact for f in facts)
            late = {f.fact.order_id for f in facts if f.late}
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
        items = [
            {"seller_id": e.seller_id, "week": e.week, "streak": e.streak, "score": e.score,
             "escalated_at": e.escalated_at.isoformat()}
            for e in await self.results.escalations(week)
        ]  # fmt: skip
        return {"items": items}
