import re
from datetime import UTC, date, datetime

import pytest
from aftersales_shared.errors import Invalid
from metrics_svc.domain.week_names import WEEK_PATTERN, has_week_53
from metrics_svc.domain.weeks import (
    is_closed,
    previous_week,
    shift_week,
    week_end,
    week_of,
    week_start,
)


@pytest.mark.parametrize(
    ("instant", "week"),
    [
        # Sunday 2026-11-29 23:59:59 Shanghai = 15:59:59 UTC: still week 48
        (datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC), "2026-W48"),
        # Monday 2026-11-30 00:00:00 Shanghai = Sunday 16:00 UTC: week 49
        (datetime(2026, 11, 29, 16, 0, 0, tzinfo=UTC), "2026-W49"),
        # Monday 00:00 Shanghai is Sunday in UTC, yet week 48 starts there
        (datetime(2026, 11, 22, 16, 0, 0, tzinfo=UTC), "2026-W48"),
        (datetime(2026, 11, 22, 15, 59, 59, tzinfo=UTC), "2026-W47"),
        # ISO year differs from the calendar year around New Year
        (datetime(2025, 12, 29, 0, 0, tzinfo=UTC), "2026-W01"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2026-W53"),
    ],
)
def test_week_of(instant: datetime, week: str) -> None:
    assert week_of(instant) == week


def test_week_bounds_are_monday_to_sunday_in_shanghai() -> None:
    assert week_start("2026-W48") == datetime(2026, 11, 22, 16, tzinfo=UTC)
    assert week_end("2026-W48") == datetime(2026, 11, 29, 16, tzinfo=UTC)


def test_closed_exactly_at_sunday_24_00() -> None:
    end = week_end("2026-W48")
    assert not is_closed("2026-W48", datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC))
    assert is_closed("2026-W48", end)


def test_week_arithmetic_across_years() -> None:
    assert previous_week("2026-W01") == "2025-W52"
    assert shift_week("2026-W53", 1) == "2027-W01"
    assert shift_week("2026-W48", -2) == "2026-W46"


@pytest.mark.parametrize("bad", ["2026-48", "2026-W54", "2025-W53", "W48", "2026-W4"])
def test_bad_week_names_are_invalid(bad: str) -> None:
    with pytest.raises(Invalid):
        week_start(bad)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        week_of(datetime(2026, 11, 26))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    "name",
    [
        "0001-W01",  # its Monday in UTC is before year 1
        "1999-W52",
        "9999-W52",  # the next week is after year 9999
        "\uff12\uff10\uff12\uff16-W48",  # full-width digits
        "2026-W\uff14\uff18",
        "2026-W48\n",
        "2026-W48 ",
        "2026-W00",
        "2026-W54",
        "2025-W53",  # 2025 has 52 ISO weeks
    ],
)
def test_weeks_a_calendar_cannot_hold_or_that_are_not_ascii_are_invalid(name: str) -> None:
    with pytest.raises(Invalid):
        week_start(name)


def test_the_last_week_allowed_still_has_a_next_week() -> None:
    assert shift_week("9998-W53", 1) == "9999-W01"


def test_the_documented_pattern_names_exactly_the_weeks_a_calendar_has() -> None:
    pattern = re.compile(WEEK_PATTERN, re.ASCII)
    wrong = []
    for year in range(1999, 10000):
        for number in range(0, 55):
            name = f"{year}-W{number:02d}"
            try:
                date.fromisocalendar(year, number, 1)
                real = 2000 <= year <= 9998
            except ValueError:
                real = False
            if (pattern.fullmatch(name) is not None) != real:
                wrong.append(name)
    assert wrong == []
    assert [y for y in range(2020, 2033) if has_week_53(y)] == [2020, 2026, 2032]
