"""The deadline's states and time arithmetic: pure, no I/O."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.contracts import decode
from aftersales_shared.contracts.messages import TimerFired, TimerSchedule
from hypothesis import given
from hypothesis import strategies as st
from timer_svc.domain.deadlines import (
    FINAL,
    TRANSITIONS,
    Command,
    Deadline,
    State,
    fired_message_id,
    lateness_s,
    next_state,
    resumed_due,
    sources,
    whole_ms,
)
from timer_svc.handlers.wire import fired, from_schedule

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def at(ms: int) -> datetime:
    """`ms` milliseconds after the epoch."""
    return EPOCH + timedelta(milliseconds=ms)


EXPECTED = {
    (State.PENDING, Command.CANCEL): State.CANCELLED,
    (State.PENDING, Command.SUSPEND): State.SUSPENDED,
    (State.PENDING, Command.FIRE): State.FIRED,
    (State.SUSPENDED, Command.CANCEL): State.CANCELLED,
    (State.SUSPENDED, Command.RESUME): State.PENDING,
}


@pytest.mark.parametrize(("state", "command"), list(itertools.product(State, Command)))
def test_every_state_and_command(state: State, command: Command) -> None:
    assert next_state(state, command) == EXPECTED.get((state, command))


@pytest.mark.parametrize("state", sorted(FINAL))
def test_final_states_never_change(state: State) -> None:
    assert all(next_state(state, command) is None for command in Command)


def test_a_suspended_deadline_cannot_fire() -> None:
    assert next_state(State.SUSPENDED, Command.FIRE) is None
    assert sources(Command.FIRE) == (State.PENDING,)


@pytest.mark.parametrize("command", list(Command))
def test_sources_are_the_table(command: Command) -> None:
    assert set(sources(command)) == {s for (s, c) in TRANSITIONS if c is command}


def test_resume_preserves_the_remaining_time() -> None:
    day = 86_400_000
    assert resumed_due(due=at(10 * day), suspended=at(7 * day), resumed=at(9 * day)) == at(12 * day)


def test_an_overdue_deadline_stays_overdue_by_the_same_amount() -> None:
    assert resumed_due(due=at(5_000), suspended=at(6_000), resumed=at(9_000)) == at(8_000)


def test_resume_before_suspend_shifts_nothing() -> None:
    assert resumed_due(due=at(5_000), suspended=at(6_000), resumed=at(4_000)) == at(5_000)


@given(st.datetimes(timezones=st.just(UTC), min_value=datetime(1971, 1, 1)))  # noqa: DTZ001
def test_instants_are_kept_to_the_millisecond(instant: datetime) -> None:
    kept = whole_ms(instant)
    assert timedelta(0) <= instant - kept < timedelta(milliseconds=1)
    assert kept.microsecond % 1000 == 0
    assert kept.tzinfo == UTC


def test_naive_datetimes_are_refused_by_the_domain() -> None:
    with pytest.raises(ValueError, match="aware"):
        whole_ms(datetime(2026, 1, 1))  # noqa: DTZ001


def test_lateness_is_never_negative() -> None:
    assert lateness_s(due=at(1_000), fired=at(3_500)) == 2.5
    assert lateness_s(due=at(5_000), fired=at(3_500)) == 0


def test_fired_message_id_is_stable_per_generation() -> None:
    assert fired_message_id("d-1", 0) == fired_message_id("d-1", 0)
    assert fired_message_id("d-1", 0) != fired_message_id("d-1", 1)
    assert fired_message_id("d-1", 0) != fired_message_id("d-2", 0)


def test_a_schedule_becomes_a_deadline_and_a_firing() -> None:
    due = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    command = TimerSchedule(
        deadline_id="o-1:AUTO_REFUND:3",
        kind="AUTO_REFUND",
        order_id="o-1",
        due_at=due,
        data={"version": 3},
    )
    deadline = from_schedule(command, seller_id="s-1", correlation_id="c-1")
    assert deadline == Deadline(
        deadline_id="o-1:AUTO_REFUND:3",
        kind="AUTO_REFUND",
        order_id="o-1",
        due=due,
        seller_id="s-1",
        correlation_id="c-1",
        data={"version": 3},
    )
    message = fired(deadline, fired_at=due + timedelta(milliseconds=1_500))
    payload = decode(message)
    assert isinstance(payload, TimerFired)
    assert payload.due_at == due
    assert payload.fired_at == due + timedelta(seconds=1.5)
    assert payload.data == {"version": 3}
    assert (message.seller_id, message.correlation_id) == ("s-1", "c-1")
    assert message.id == fired_message_id("o-1:AUTO_REFUND:3", 0)
