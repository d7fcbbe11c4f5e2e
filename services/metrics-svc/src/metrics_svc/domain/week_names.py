"""The pattern of a week name, 2000-W01 to 9998-W53, with W53 only in the years that have one.

A week whose dates (and the next week's) a calendar can hold, in ASCII digits. The Gregorian
calendar repeats every 400 years, so whether a year has 53 ISO weeks depends on its century
modulo 4 and its last two digits only: the pattern names those, computed from the calendar.
"""

from __future__ import annotations

from datetime import date

FIRST_WEEK = "2000-W01"
YEARS = r"(?:2[0-9]{3}|[3-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
"""2000 to 9998."""


def has_week_53(year: int) -> bool:
    """Whether the ISO year `year` has 53 weeks (it begins or, leap, ends on a Thursday)."""
    return date(year, 12, 28).isocalendar()[1] == 53


def _centuries(residue: int) -> str:
    """The centuries 20 to 99 that are `residue` modulo 4, as a regular expression."""
    by_tens = {
        parity: "".join(str(u) for u in range(10) if (2 * parity + u) % 4 == residue)
        for parity in (0, 1)
    }
    return f"(?:[2468][{by_tens[0]}]|[3579][{by_tens[1]}])"


def _years_with_53_weeks() -> str:
    groups = []
    for residue in range(4):
        first = 2000 + 100 * residue  # its century is `residue` modulo 4, as 20 is 0
        endings = [f"{r:02d}" for r in range(100) if has_week_53(first + r)]
        groups.append(f"{_centuries(residue)}(?:{'|'.join(endings)})")
    return f"(?:{'|'.join(groups)})"


WEEK_PATTERN = rf"^(?:{YEARS}-W(?:0[1-9]|[1-4][0-9]|5[0-2])|{_years_with_53_weeks()}-W53)$"
"""Exactly the names `parse_week` takes: OpenAPI states it, so a valid-looking W53 is real."""
