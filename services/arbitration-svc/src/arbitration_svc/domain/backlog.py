"""The platform's backlog: the open cases counted by status and by how long they have waited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from arbitration_svc.domain.states import OPEN_STATUSES, Status

DAY = timedelta(days=1)
BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("0-1d", DAY),
    ("1-3d", 3 * DAY),
    ("3-7d", 7 * DAY),
    ("7d+", None),
)
"""Age buckets: an age falls in the first whose upper bound it is below."""


@dataclass(frozen=True)
class BacklogCount:
    counts: dict[tuple[str, str], int]
    """Open cases by (status, age bucket), every pair present (0 when none)."""
    oldest: timedelta


def bucket_of(age: timedelta) -> str:
    """The age bucket's label."""
    for label, upper in BUCKETS:
        if upper is None or age < upper:
            return label
    raise AssertionError("the last bucket has no upper bound")


def count_backlog(open_cases: Iterable[tuple[Status, datetime]], *, now: datetime) -> BacklogCount:
    """Fold (status, opened at) of the open cases into counts by bucket and the oldest age."""
    counts = {(str(s), label): 0 for s in OPEN_STATUSES for label, _ in BUCKETS}
    oldest = timedelta(0)
    for status, opened_at in open_cases:
        age = max(now - opened_at, timedelta(0))
        counts[(str(status), bucket_of(age))] += 1
        oldest = max(oldest, age)
    return BacklogCount(counts=counts, oldest=oldest)
