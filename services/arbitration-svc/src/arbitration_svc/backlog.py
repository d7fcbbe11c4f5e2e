"""The platform's own backlog on /metrics: open cases by age, refreshed from the store."""

from __future__ import annotations

from datetime import timedelta

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.clock import Clock
from prometheus_client import Gauge

from arbitration_svc.domain.case import OPEN_STATUSES
from arbitration_svc.ports import CaseRepository

log = structlog.get_logger(__name__)

DAY = timedelta(days=1)
BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("0-1d", DAY),
    ("1-3d", 3 * DAY),
    ("3-7d", 7 * DAY),
    ("7d+", None),
)
"""Age buckets: an age falls in the first whose upper bound it is below."""

COALESCE_S = 1.0

OPEN_CASES = Gauge(
    "arbitration_open_cases", "Cases not ruled yet, by status and age", ["status", "age"]
)
OLDEST = Gauge("arbitration_oldest_open_case_age_seconds", "Age of the oldest case not ruled yet")


def bucket_of(age: timedelta) -> str:
    """The age bucket's label."""
    for label, upper in BUCKETS:
        if upper is None or age < upper:
            return label
    raise AssertionError("the last bucket has no upper bound")


class Backlog:
    """Recounts the open cases every `interval_s`, or soon after `poke()`."""

    def __init__(self, *, repo: CaseRepository, clock: Clock, interval_s: float) -> None:
        self._repo = repo
        self._clock = clock
        # Poked: let a burst of openings settle into one recount, not one per case.
        self._loop = Periodic(
            self._round,
            interval_s=interval_s,
            name="arbitration-backlog",
            settle_s=min(interval_s, COALESCE_S),
        )
        self.start = self._loop.start
        self.stop = self._loop.stop

    def poke(self) -> None:
        """A case opened or was ruled: recount soon."""
        self._loop.wake()

    async def refresh(self) -> dict[tuple[str, str], int]:
        """Count the open cases by (status, age bucket) and publish the gauges."""
        now = self._clock.now()
        counts = {(str(s), label): 0 for s in OPEN_STATUSES for label, _ in BUCKETS}
        oldest = timedelta(0)
        for status, opened_at in await self._repo.open_since():
            age = max(now - opened_at, timedelta(0))
            counts[(str(status), bucket_of(age))] += 1
            oldest = max(oldest, age)
        for (name, label), count in counts.items():
            OPEN_CASES.labels(status=name, age=label).set(count)
        OLDEST.set(oldest.total_seconds())
        return counts

    async def _round(self) -> None:
        await self.refresh()
