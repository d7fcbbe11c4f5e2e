from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sms_svc.domain.ratelimit import Entry, RateLimits, admit

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR_MS, DAY_MS = 3_600_000, 86_400_000


def at(ms: int) -> datetime:
    """`ms` milliseconds after the epoch: the tests count in milliseconds."""
    return EPOCH + timedelta(milliseconds=ms)


LIMITS = RateLimits(per_hour=5, per_day=20)


def fill(count: int, *, start: int, step: int) -> tuple[Entry, ...]:
    return tuple((at(start + i * step), f"k{i}") for i in range(count))


def test_the_sixth_in_an_hour_is_refused_and_not_counted() -> None:
    entries = fill(5, start=0, step=1000)
    result = admit(entries=entries, key="new", now=at(10_000), limits=LIMITS)
    assert not result.allowed
    assert result.reason is not None
    assert "an hour" in result.reason
    assert result.entries == entries


def test_the_hour_window_slides() -> None:
    entries = fill(5, start=0, step=1000)
    assert not admit(entries=entries, key="n", now=at(HOUR_MS - 1), limits=LIMITS).allowed
    later = admit(entries=entries, key="n", now=at(HOUR_MS), limits=LIMITS)
    assert later.allowed
    assert later.entries[-1] == (at(HOUR_MS), "n")


def test_twenty_a_day() -> None:
    entries = fill(20, start=0, step=HOUR_MS // 4 + 1)
    now = entries[-1][0] + 2 * timedelta(milliseconds=HOUR_MS)
    result = admit(entries=entries, key="n", now=now, limits=LIMITS)
    assert not result.allowed
    assert result.reason is not None
    assert "a day" in result.reason


def test_entries_older_than_a_day_are_forgotten() -> None:
    entries = fill(20, start=0, step=1)
    result = admit(entries=entries, key="n", now=at(DAY_MS + 20), limits=LIMITS)
    assert result.allowed
    assert result.entries == ((at(DAY_MS + 20), "n"),)


def test_the_same_key_is_admitted_again_without_counting_twice() -> None:
    first = admit(entries=(), key="k", now=at(0), limits=LIMITS)
    again = admit(entries=first.entries, key="k", now=at(5), limits=LIMITS)
    assert again.allowed
    assert again.entries == first.entries == ((at(0), "k"),)


def test_limits_are_configurable() -> None:
    strict = RateLimits(per_hour=1, per_day=1)
    first = admit(entries=(), key="a", now=at(0), limits=strict)
    assert first.allowed
    assert not admit(entries=first.entries, key="b", now=at(1), limits=strict).allowed
