"""Close a week once the clock passes its Sunday 24:00 (Shanghai): rank it, freeze it, escalate."""

from __future__ import annotations

import time

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.clock import Clock

from metrics_svc.domain.ranking import Ranked, rank
from metrics_svc.domain.scoring import Scorecard, scorecard
from metrics_svc.domain.weeks import is_closed, previous_week
from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.ledger import Bookkeeper
from metrics_svc.handlers.metrics import WEEK_CLOSE_SECONDS
from metrics_svc.handlers.wire import week_closed_messages
from metrics_svc.ports import BottomEntry, ClosedWeek, ResultStore

log = structlog.get_logger(__name__)


async def rank_week(results: ResultStore, ingestor: Ingestor, week: str) -> list[Ranked]:
    """The ranking of a week from its live counters (a projection, or the one frozen at close)."""
    cards: list[Scorecard] = [
        scorecard(seller_id=seller, week=week, counters=counts)
        for seller, counts in ingestor.live.week(week)
    ]
    previous = await results.closed_week(previous_week(week))
    streaks = {b.seller_id: b.streak for b in previous.bottom} if previous else {}
    return rank(cards, previous_streaks=streaks)


class WeekCloser:
    """Polls the (virtual or real) clock and closes every week that has ended, oldest first."""

    def __init__(
        self,
        results: ResultStore,
        ingestor: Ingestor,
        clock: Clock,
        *,
        poll_s: float,
        bookkeeper: Bookkeeper | None = None,
    ):
        self.results, self.ingestor, self.clock, self.poll_s = results, ingestor, clock, poll_s
        self.bookkeeper = bookkeeper
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
        """Save the counters, rank the week, store the frozen results, book its fines in the
        ledger, announce it.

        Under the ingest lock, so the ranking includes every batch written before and none
        after; later facts of the week become late.
        """
        async with self.ingestor.lock:
            if week in self.ingestor.closed:
                return
            started = time.monotonic()
            await self.ingestor.flush()
            ranking = await rank_week(self.results, self.ingestor, week)
            await self.results.save_results(week, ranking)
            if self.bookkeeper is not None:  # before the closing: a crash books them again
                await self.bookkeeper.book_fines(week)
            await self._freeze(week, ranking)
            self.ingestor.close_week(week)
            elapsed = time.monotonic() - started
            WEEK_CLOSE_SECONDS.observe(elapsed)
            log.info("week closed", week=week, ranked=len(ranking), seconds=round(elapsed, 2))

    async def _freeze(self, week: str, ranking: list[Ranked]) -> None:
        """The escalations, then the closing with its messages (one write)."""
        now = self.clock.now()
        bottom = [r for r in ranking if r.bottom10]
        await self.results.save_escalations(week, [r for r in bottom if r.escalated], at=now)
        closed = ClosedWeek(
            week=week,
            closed_at=now,
            ranked=len(ranking),
            bottom=tuple(BottomEntry(r.card.seller_id, r.streak, r.position) for r in bottom),
        )
        await self.results.close_week(closed, messages=week_closed_messages(week, ranking, now=now))
