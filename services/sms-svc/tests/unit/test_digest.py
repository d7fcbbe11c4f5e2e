"""Digests of held seller warnings: every order named, each text within its bound."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sms_svc.domain.digest import DIGEST_MAX_CHARS, Held, compose, digest_id, text_of


def held(n: int, *, width: int = 18, days: int = 5) -> list[Held]:
    return [Held(f"sms_{i:03d}", f"SO{i:0{width - 2}d}", days) for i in range(n)]


def test_a_digest_names_the_oldest_orders_that_fit() -> None:
    warnings = held(20)
    digest = compose(warnings)
    assert digest.members == tuple(h.message_id for h in warnings[: len(digest.members)])
    assert 1 < len(digest.members) < 20
    assert len(digest.text) <= DIGEST_MAX_CHARS
    assert all(no in digest.text for no in digest.order_nos)
    one_more = text_of(warnings[: len(digest.members) + 1])
    assert len(one_more) > DIGEST_MAX_CHARS
    assert digest.id == digest_id("sms_000")
    assert digest.text.startswith(f"【售后】{len(digest.members)}个服务单退货已寄出，最早5天后")


def test_the_earliest_auto_refund_is_announced_and_repeated_orders_named_once() -> None:
    warnings = [Held("a", "SO1", 5), Held("b", "SO2", 3), Held("c", "SO1", 5)]
    digest = compose(warnings)
    assert digest.members == ("a", "b", "c")
    assert digest.order_nos == ("SO1", "SO2")
    assert digest.text == "【售后】2个服务单退货已寄出，最早3天后自动退款，请尽快签收处理：SO1、SO2"


def test_a_single_long_order_number_still_makes_a_digest() -> None:
    digest = compose(held(3, width=32), max_chars=60)
    assert digest.members == ("sms_000",)


def test_no_warnings_no_digest() -> None:
    with pytest.raises(ValueError, match="at least one"):
        compose([])


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=3, max_value=32))
def test_splitting_names_every_order_once_within_the_bound(n: int, width: int) -> None:
    rest, named = held(n, width=width), []
    while rest:
        digest = compose(rest)
        assert len(digest.text) <= DIGEST_MAX_CHARS
        named.extend(digest.order_nos)
        rest = rest[len(digest.members) :]
    assert named == [h.order_no for h in held(n, width=width)]
