"""Quality weeks: Monday 00:00 to Sunday 24:00 in Asia/Shanghai, named by ISO week (2026-W48)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from aftersales_shared.errors import Invalid

from metrics_svc.domain.week_names import WEEK_PATTERN

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed offset is exact."""

_WEEK = re.compile(WEEK_PATTERN, re.ASCII)


def week_of(instant: datetime) -> str:
    """The week an instant falls in, by its Shanghai calendar date."""
    if instant.tzinfo is None:
        raise ValueError("week_of needs an aware datetime")
    year, number, _ = instant.astimezone(SHANGHAI).isocalendar()
    return f"{year}-W{number:02d}"


def parse_week(week: str) -> tuple[int, int]:
    """(ISO year, week number) of a week name; Invalid when it is not a real week."""
    if _WEEK.fullmatch(week) is None:
        raise Invalid(
            f"week must look like 2026-W48 (2000-W01 to 9998-W53, W53 only in the years"
            f" that have one), not {week!r}"
        )
    return int(week[:4]), int(week[6:])


def week_start(week: str) -> datetime:
    """Monday 00:00 Shanghai of the week, as a UTC instant."""
    year, number = parse_week(week)
    monday = date.fromisocalendar(year, number, 1)
    local = datetime(monday.year, monday.month, monday.day, tzinfo=SHANGHAI)
    return local.astimezone(UTC)


def week_end(week: str) -> datetime:
    """Sunday 24:00 Shanghai (the next Monday 00:00), as a UTC instant; the week excludes it."""
    return week_start(week) + timedelta(days=7)


def shift_week(week: str, weeks: int) -> str:
    """The week `weeks` weeks later (negative: earlier)."""
    return week_of(week_start(week) + timedelta(weeks=weeks, hours=1))


def previous_week(week: str) -> str:
    """The week before."""
    return shift_week(week, -1)


def is_closed(week: str, now: datetime) -> bool:
    """True once the clock has passed the week's Sunday 24:00."""
    return now >= week_end(week)
