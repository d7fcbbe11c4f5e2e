"""Per-phone rate limits over sliding windows (default 5 an hour, 20 a day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

Entry = tuple[datetime, str]
"""(admitted at, message key)."""


@dataclass(frozen=True)
class RateLimits:
    per_hour: int = 5
    per_day: int = 20


@dataclass(frozen=True)
class Admission:
    """Whether one more SMS may go to a phone, and the window's entries to store afterwards."""

    allowed: bool
    entries: tuple[Entry, ...]
    reason: str | None = None


def admit(*, entries: tuple[Entry, ...], key: str, now: datetime, limits: RateLimits) -> Admission:
    """Admit `key` if the phone's last hour and last day leave room; the same key is admitted once.

    `entries` are (sent at, message key) of the admitted messages; those older than a day are
    dropped. A key already in the window is admitted again without counting twice (redelivery).
    """
    recent = tuple(sorted(e for e in entries if now - e[0] < DAY))
    if any(k == key for _, k in recent):
        return Admission(allowed=True, entries=recent)
    last_hour = sum(1 for at, _ in recent if now - at < HOUR)
    if last_hour >= limits.per_hour:
        reason = f"rate limit: {limits.per_hour} an hour to this phone"
        return Admission(allowed=False, entries=recent, reason=reason)
    if len(recent) >= limits.per_day:
        reason = f"rate limit: {limits.per_day} a day to this phone"
        return Admission(allowed=False, entries=recent, reason=reason)
    return Admission(allowed=True, entries=(*recent, (now, key)))
