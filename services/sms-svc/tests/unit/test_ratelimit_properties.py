"""Hypothesis: whatever arrives in whatever order, no window ever holds more than its limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sms_svc.domain.ratelimit import Entry, RateLimits, admit

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR_MS, DAY_MS = 3_600_000, 86_400_000


def at(ms: int) -> datetime:
    """`ms` milliseconds after the epoch: the tests count in milliseconds."""
    return EPOCH + timedelta(milliseconds=ms)


arrivals = st.lists(
    st.tuples(st.integers(min_value=0, max_value=3 * HOUR_MS), st.sampled_from("abcdefghij")),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(
    gaps=arrivals,
    per_hour=st.integers(min_value=1, max_value=6),
    per_day=st.integers(min_value=1, max_value=12),
)
def test_admitted_messages_never_exceed_either_window(
    gaps: list[tuple[int, str]], per_hour: int, per_day: int
) -> None:
    limits = RateLimits(per_hour=per_hour, per_day=per_day)
    entries: tuple[Entry, ...] = ()
    admitted: dict[str, int] = {}
    now = 0
    for gap, key in gaps:
        now += gap
        verdict = admit(entries=entries, key=key, now=at(now), limits=limits)
        entries = verdict.entries
        if verdict.allowed and key not in admitted:
            admitted[key] = now
        if key in admitted and now - admitted[key] < DAY_MS:
            assert verdict.allowed, "a key admitted within the day is admitted again"
        assert sum(1 for _, k in entries if k == key) <= 1, "a key never counts twice"
        times = sorted((t - EPOCH) // timedelta(milliseconds=1) for t, _ in entries)
        for t in times:
            assert sum(1 for u in times if t <= u < t + HOUR_MS) <= per_hour
            assert sum(1 for u in times if t <= u < t + DAY_MS) <= per_day
