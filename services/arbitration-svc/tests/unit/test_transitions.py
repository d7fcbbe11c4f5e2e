"""The case's transition table, every (status, command) pair, and its guards."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from aftersales_shared.error_status import http_status
from aftersales_shared.errors import Conflict, InvalidTransition, NotPermitted
from arbitration_svc.domain.case import (
    TRANSITIONS,
    Case,
    Command,
    Status,
    add_note,
    rule,
    take,
    transition,
)
from arbitration_svc.domain.ruling import Outcome
from hypothesis import given
from hypothesis import strategies as st

from .factories import T0, new_case

ALLOWED = {
    (Status.OPEN, Command.TAKE): Status.IN_REVIEW,
    (Status.OPEN, Command.NOTE): Status.OPEN,
    (Status.IN_REVIEW, Command.TAKE): Status.IN_REVIEW,
    (Status.IN_REVIEW, Command.NOTE): Status.IN_REVIEW,
    (Status.IN_REVIEW, Command.RULE): Status.RULED,
}
PAIRS = list(itertools.product(Status, Command))


def test_the_table_is_exactly_the_documented_one() -> None:
    assert TRANSITIONS == ALLOWED


@pytest.mark.parametrize(("status", "command"), PAIRS)
def test_every_pair_moves_or_is_refused(status: Status, command: Command) -> None:
    if (status, command) in ALLOWED:
        assert transition(status, command) is ALLOWED[(status, command)]
    else:
        with pytest.raises(InvalidTransition) as refused:
            transition(status, command)
        assert http_status(refused.value) == 409


def in_status(status: Status) -> Case:
    """A case brought to `status` through the real commands."""
    case = new_case()
    if status is Status.OPEN:
        return case
    case = take(case, agent="agent-1", at=T0)
    if status is Status.IN_REVIEW:
        return case
    return rule(case, agent="agent-1", at=T0, outcome=Outcome.CLAIM_REJECTED, note="no evidence")


def apply(case: Case, command: Command, *, agent: str = "agent-1") -> Case:
    at = T0 + timedelta(hours=1)
    if command is Command.TAKE:
        return take(case, agent=agent, at=at)
    if command is Command.NOTE:
        return add_note(case, author=agent, text="looked at the photos", at=at, note_id="n-1")
    return rule(case, agent=agent, at=at, outcome=Outcome.REFUND, amount=Decimal("10"), note="ok")


@pytest.mark.parametrize(("status", "command"), PAIRS)
def test_commands_on_a_case_follow_the_table(status: Status, command: Command) -> None:
    case = in_status(status)
    if (status, command) in ALLOWED:
        assert apply(case, command).status is ALLOWED[(status, command)]
    else:
        with pytest.raises(InvalidTransition):
            apply(case, command)


def test_a_ruled_case_refuses_a_second_ruling_with_a_clear_message() -> None:
    with pytest.raises(InvalidTransition, match="final"):
        apply(in_status(Status.RULED), Command.RULE)


def test_ruling_needs_the_case_taken_first() -> None:
    with pytest.raises(InvalidTransition, match="take the case"):
        apply(in_status(Status.OPEN), Command.RULE)


def test_only_the_reviewing_agent_rules() -> None:
    with pytest.raises(NotPermitted):
        apply(in_status(Status.IN_REVIEW), Command.RULE, agent="agent-2")


def test_another_agent_takes_a_case_over_only_when_asking_to() -> None:
    with pytest.raises(Conflict, match="in review by agent-1"):
        take(in_status(Status.IN_REVIEW), agent="agent-2", at=T0)
    case = take(in_status(Status.IN_REVIEW), agent="agent-2", at=T0, take_over=True)
    assert case.taken_by == "agent-2"
    assert case.history[-1].detail == "from agent-1"
    assert apply(case, Command.RULE, agent="agent-2").ruled_by == "agent-2"


def test_taking_twice_by_the_same_agent_changes_nothing() -> None:
    case = in_status(Status.IN_REVIEW)
    assert take(case, agent="agent-1", at=T0 + timedelta(days=1)) == case


def test_notes_accumulate_with_author_and_time() -> None:
    case = add_note(new_case(), author="a", text=" first ", at=T0, note_id="n1")
    case = add_note(case, author="b", text="second", at=T0, note_id="n2")
    assert [(n.author, n.text) for n in case.notes] == [("a", "first"), ("b", "second")]
    assert [e.action for e in case.history] == ["OPENED", "NOTE_ADDED", "NOTE_ADDED"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_a_note_must_have_text(text: str) -> None:
    from aftersales_shared.errors import Invalid

    with pytest.raises(Invalid):
        add_note(new_case(), author="a", text=text, at=T0, note_id="n1")


@given(st.lists(st.sampled_from(list(Command)), max_size=12))
def test_a_ruling_never_changes_whatever_follows(commands: list[Command]) -> None:
    case = in_status(Status.RULED)
    ruling = case.ruling
    for command in commands:
        with pytest.raises(InvalidTransition):
            apply(case, command)
    assert case.ruling == ruling
    assert case.status is Status.RULED
