"""Time, injected everywhere: a system clock for production and a shared virtual clock for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """The wall clock moved forward by an offset that only grows; all services share the offset."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    @property
    def offset(self) -> timedelta:
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move forward by `seconds` (never back) and return the new current time."""
        if seconds < 0:
            raise ValueError("the virtual clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        return self.now()

    def sync(self, offset: timedelta) -> None:
        """Adopt an offset broadcast by the clock's owner; an older (smaller) one is ignored."""
        if offset > self._offset:
            self._offset = offset


class FixedClock:
    """A clock that stands still until moved: for unit tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def advance(self, seconds: float) -> datetime:
        self._at += timedelta(seconds=seconds)
        return self._at
