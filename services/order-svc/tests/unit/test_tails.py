"""The order's bounded tails (`domain/tail.py`) and the customer's daily message cap."""

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.errors import TooManyRequests
from order_builders import NOW, main_account, order_in
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import execute
from order_svc.domain.limits import count_message, local_day
from order_svc.domain.model import Cmd, Status
from order_svc.domain.order import ServiceOrder
from order_svc.domain.tail import history_total, no_caller_raced, recent, spill


def replied(times: int) -> ServiceOrder:
    o = order_in(Status.UNRESOLVED)
    for i in range(times):
        o = execute(
            o, Cmd.REPLY, actor=main_account(), now=NOW, payload=c.Message(text=f"r{i}")
        ).order
    return o


def test_a_tail_is_cut_only_past_twice_its_bound_and_keeps_the_sequence() -> None:
    assert spill(replied(9), keep=5, committed=(9, 8)).history == []  # 10 entries, 9 messages
    o = replied(11)
    cut = spill(o, keep=5, committed=(11, 10))
    assert [n for n, _ in cut.history] == list(range(1, 8))
    assert [n for n, _ in cut.messages] == list(range(1, 7))
    assert (cut.order.history_start, len(cut.order.history)) == (7, 5)
    assert (cut.order.messages_start, len(cut.order.messages)) == (6, 5)
    assert history_total(cut.order) == history_total(o) == 12
    assert cut.order.history == o.history[7:]


def test_an_entry_not_committed_yet_never_leaves_the_tail() -> None:
    o = replied(11)
    cut = spill(o, keep=1, committed=(3, 2))  # the version replaced held 3 entries, 2 messages
    assert [n for n, _ in cut.history] == [1, 2, 3]
    assert [n for n, _ in cut.messages] == [1, 2]


def test_the_view_shows_the_latest_entries() -> None:
    o = replied(30)
    shown = recent(o, 4)
    assert shown.history == o.history[-4:]
    assert shown.messages == o.messages[-4:]
    assert shown.history_start == history_total(o) - 4
    assert recent(replied(2), 4).history == replied(2).history


def test_entries_that_left_the_tail_unseen_and_may_be_new_are_a_race() -> None:
    read = replied(1)
    latest = spill(replied(12), keep=2, committed=(13, 12)).order
    assert latest.history_start > history_total(read)
    assert no_caller_raced(read, latest, since=NOW + timedelta(seconds=1))  # all made before
    assert not no_caller_raced(read, latest, since=NOW)  # the oldest kept is not older


def test_a_customer_may_leave_cap_messages_a_shanghai_day() -> None:
    o = order_in(Status.UNRESOLVED)
    customer = Actor.customer(o.customer_id)
    evening = datetime(2026, 12, 2, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    for _ in range(2):
        count_message(o, Cmd.LEAVE_MESSAGE, actor=customer, now=evening, cap=2)
    with pytest.raises(TooManyRequests):
        count_message(o, Cmd.LEAVE_MESSAGE, actor=customer, now=evening, cap=2)
    assert o.customer_messages is not None
    assert o.customer_messages.count == 2
    count_message(o, Cmd.REPLY, actor=main_account(), now=evening, cap=2)  # replies: uncounted
    midnight = evening + timedelta(minutes=1)
    assert local_day(midnight) == "2026-12-03"
    count_message(o, Cmd.LEAVE_MESSAGE, actor=customer, now=midnight, cap=2)
    assert (o.customer_messages.day, o.customer_messages.count) == ("2026-12-03", 1)
