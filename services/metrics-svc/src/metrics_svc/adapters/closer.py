"""Closes a week once the clock passes its Sunday 24:00 (Shanghai): ranks it and freezes it."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SellerEscalated, WeekClosed
from aftersales_shared.errors import Conflict
from aftersales_shared.persistence import Doc

from metrics_svc.adapters.ingest import Ingestor
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.domain.ranking import Ranked, rank
from metrics_svc.domain.scoring import INDICATORS, Scorecard, pct, scorecard
from metrics_svc.domain.weeks import is_closed, previous_week
from metrics_svc.metrics import WEEK_CLOSE_SECONDS

log = structlog.get_logger(__name__)
CHUNK = 5000


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


async def rank_week(store: MetricsStore, ingestor: Ingestor, week: str) -> list[Ranked]:
    """The ranking of a week from its live counters (a projection, or the one frozen at close)."""
    cards: list[Scorecard] = [
        scorecard(seller_id=seller, week=week, counters=counts)
        for seller, counts in ingestor.live.week(week)
    ]
    previous = await store.closed.get(previous_week(week))
    streaks = {b["s"]: int(b["st"]) for b in previous.data["bottom"]} if previous else {}
    return rank(cards, previous_streaks=streaks)


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


def counters_of(card: Scorecard) -> dict[str, int]:
    """The counts behind a scorecard, so the frozen result can be shown again exactly."""
    out: dict[str, int] = {}
    for spec, indicator in zip(INDICATORS, card.indicators, strict=True):
        out[spec.numerator] = indicator.numerator
        out[spec.denominator] = indicator.denominator
    return out


class WeekCloser:
    """Polls the (virtual or real) clock and closes every week that has ended, oldest first."""

    def __init__(self, store: MetricsStore, ingestor: Ingestor, clock: Clock, *, poll_s: float):
        self.store, self.ingestor, self.clock, self.poll_s = store, ingestor, clock, poll_s
        self._loop = Periodic(self._round, interval_s=poll_s, name="metrics-week-closer")
        self.start = self._loop.start
        self.stop = self._loop.stop

    async def _round(self) -> None:
        await self.tick()

    async def tick(self) -> list[str]:
        """Close the weeks that have ended; return their names."""
        now = self.clock.now()
        due = sorted(w for w in self.ingestor.weeks - self.ingestor.closed if is_closed(w, now))
        for week in due:
            await self.close(week)
        return due

    async def close(self, week: str) -> None:
        """Save the counters, rank the week, store the frozen results, announce it.

        Under the ingest lock, so the ranking includes every batch written before and none
        after; later facts of the week become late.
        """
        async with self.ingestor.lock:
            if week in self.ingestor.closed:
                return
            started = time.monotonic()
            await self.ingestor.flush()
            ranking = await rank_week(self.store, self.ingestor, week)
            await self.store.results.delete_many({"w": {"$eq": week}})
            docs = [result_doc(week, r) for r in ranking]
            for i in range(0, len(docs), CHUNK):
                await self.store.results.insert_many(docs[i : i + CHUNK], ordered=False)
            await self._freeze(week, ranking)
            self.ingestor.close_week(week)
            elapsed = time.monotonic() - started
            WEEK_CLOSE_SECONDS.observe(elapsed)
            log.info("week closed", week=week, ranked=len(ranking), seconds=round(elapsed, 2))

    async def _freeze(self, week: str, ranking: list[Ranked]) -> None:
        now = self.clock.now()
        bottom = [r for r in ranking if r.bottom10]
        escalated = [r for r in bottom if r.escalated]
        await self.store.escalations.delete_many({"w": {"$eq": week}})
        if escalated:
            await self.store.escalations.insert_many(
                [
                    {
                        "_id": f"{week}|{r.card.seller_id}",
                        "w": week,
                        "s": r.card.seller_id,
                        "st": r.streak,
                        "score": pct(r.card.score),
                        "at_ms": ms(now),
                    }
                    for r in escalated
                ]
            )
        messages = [
            envelope(
                type="metrics.week_closed",
                payload=WeekClosed(
                    week=week,
                    closed_at=now,
                    sellers_ranked=len(ranking),
                    bottom10=[r.card.seller_id for r in bottom],
                    escalated=[r.card.seller_id for r in escalated],
                ),
                occurred_at=now,
                seller_id=None,
                id=f"metrics.week_closed:{week}",
            ),
            *(
                envelope(
                    type="metrics.seller_escalated",
                    payload=SellerEscalated(
                        seller_id=r.card.seller_id,
                        week=week,
                        streak=r.streak,
                        score=pct(r.card.score),
                    ),
                    occurred_at=now,
                    seller_id=r.card.seller_id,
                    id=f"metrics.seller_escalated:{week}:{r.card.seller_id}",
                )
                for r in escalated
            ),
        ]
        data = {
            "_id": week,
            "closed_at_ms": ms(now),
            "ranked": len(ranking),
            "bottom": [{"s": r.card.seller_id, "st": r.streak, "p": r.position} for r in bottom],
        }
        with contextlib.suppress(Conflict):
            await self.store.closed.insert(data, messages=messages)
