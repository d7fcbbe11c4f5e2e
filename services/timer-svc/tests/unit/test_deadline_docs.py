"""The stored form of a deadline: epoch milliseconds exist here only, and round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from timer_svc.adapters.deadline_docs import from_doc, from_ms, to_doc, to_ms
from timer_svc.domain.deadlines import Deadline

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@given(st.datetimes(timezones=st.just(UTC), min_value=datetime(1971, 1, 1)))  # noqa: DTZ001
def test_ms_round_trip_to_the_millisecond(instant: datetime) -> None:
    back = from_ms(to_ms(instant))
    assert timedelta(0) <= instant - back < timedelta(milliseconds=1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        to_ms(datetime(2026, 1, 1))  # noqa: DTZ001


def test_a_deadline_round_trips_through_its_document() -> None:
    deadline = Deadline(
        deadline_id="d-1",
        kind="AUTO_REFUND",
        order_id="o-1",
        due=T0 + timedelta(days=3),
        seller_id="s-1",
        correlation_id="c-1",
        data={"version": 2},
    )
    doc = to_doc(deadline, now=T0)
    assert (doc["due_ms"], doc["next_ms"], doc["created_ms"]) == (
        to_ms(deadline.due),
        to_ms(deadline.due),
        to_ms(T0),
    )
    assert from_doc(doc) == deadline
    held = to_doc(deadline, now=T0, suspended=True)
    assert (held["state"], held["suspended_ms"]) == ("suspended", to_ms(T0))
    assert "next_ms" not in held
