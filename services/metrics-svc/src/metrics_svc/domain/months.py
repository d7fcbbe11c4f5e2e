"""Statement months: calendar months in Asia/Shanghai, named like 2026-12.

As with the week names (`week_names.py`), a name is ASCII digits matched in full, 2000-01 to
9998-12 (`MONTH_PATTERN`, stated on every month path and `month=` query): anything else is 422.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aftersales_shared.errors import Invalid

from metrics_svc.domain.week_names import YEARS
from metrics_svc.domain.weeks import SHANGHAI

MONTH_PATTERN = rf"^{YEARS}-(?:0[1-9]|1[0-2])$"
"""Exactly the names `parse_month` takes."""
_MONTH = re.compile(MONTH_PATTERN, re.ASCII)


def month_of(instant: datetime) -> str:
    """The month an instant falls in, by its Shanghai calendar date."""
    if instant.tzinfo is None:
        raise ValueError("month_of needs an aware datetime")
    local = instant.astimezone(SHANGHAI)
    return f"{local.year:04d}-{local.month:02d}"


def parse_month(month: str) -> tuple[int, int]:
    """(year, month) of a month name; Invalid when it is not one."""
    if _MONTH.fullmatch(month) is None:
        raise Invalid(f"month must look like 2026-12 (2000-01 to 9998-12), not {month!r}")
    return int(month[:4]), int(month[5:])


def month_start(month: str) -> datetime:
    """The first day 00:00 Shanghai of the month, as a UTC instant."""
    year, number = parse_month(month)
    return datetime(year, number, 1, tzinfo=SHANGHAI).astimezone(UTC)


def month_end(month: str) -> datetime:
    """The next month's first day 00:00 Shanghai, as a UTC instant; the month excludes it."""
    year, number = parse_month(month)
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return datetime(year, number, 1, tzinfo=SHANGHAI).astimezone(UTC)
