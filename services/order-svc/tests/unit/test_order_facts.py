"""Order facts: the paid share of a claim exact in fen, and what an application may claim."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.errors import Invalid, NotFound
from hypothesis import given
from hypothesis import strategies as st
from order_svc.domain.model import Tier
from order_svc.domain.order_facts import (
    Claim,
    Claimed,
    FactLine,
    OrderFacts,
    OrderFactsDiffer,
    PlaceOrder,
    agree,
    check_again,
    claim,
    facts_of,
    share_fen,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def facts(*lines: tuple[str, int, str], customer: str = "cust-1") -> OrderFacts:
    return facts_of(
        PlaceOrder.model_validate(
            {
                "order_no": "JD-1",
                "seller_id": "seller-a",
                "customer_id": customer,
                "customer_tier": "DIAMOND",
                "paid_at": NOW,
                "lines": [{"sku": s, "quantity": q, "paid_amount": p} for s, q, p in lines],
            }
        ),
        now=NOW,
    )


def test_a_claim_gets_its_share_and_the_last_one_absorbs_the_remainder() -> None:
    line = FactLine(sku="S", quantity=3, paid_fen=1000)  # 10.00 for 3: 3.33, 3.33, 3.34
    assert share_fen(line, 1, []) == 333
    assert share_fen(line, 1, [Claim("S", 1, 333)]) == 333
    assert share_fen(line, 1, [Claim("S", 1, 333), Claim("S", 1, 333)]) == 334
    assert share_fen(line, 3, []) == 1000
    assert share_fen(line, 2, [Claim("S", 1, 333)]) == 667


@given(st.integers(1, 50), st.integers(1, 10**9), st.data())
def test_claims_of_a_whole_line_add_up_to_what_was_paid(q: int, paid: int, data: st.DataObject):
    line = FactLine(sku="S", quantity=q, paid_fen=paid)
    live: list[Claim] = []
    while (left := q - sum(c.quantity for c in live)) > 0:
        n = data.draw(st.integers(1, left))
        live.append(Claim("S", n, share_fen(line, n, live)))
    assert sum(c.paid_fen for c in live) == paid
    assert all(c.paid_fen >= paid * c.quantity // q for c in live)


def test_the_record_decides_seller_paid_and_tier() -> None:
    got = claim(facts(("S", 2, "199.99")), customer_id="cust-1", sku="S", quantity=1, live=[])
    assert got == Claimed(seller_id="seller-a", paid_fen=9999, tier=Tier.DIAMOND)


@pytest.mark.parametrize(
    ("customer", "sku", "quantity", "live", "error", "field"),
    [
        ("someone-else", "S", 1, [], NotFound, None),
        ("cust-1", "NOT-ON-IT", 1, [], Invalid, "sku"),
        ("cust-1", "S", 3, [], Invalid, "quantity"),
        ("cust-1", "S", 2, [Claim("S", 1, 100)], Invalid, "quantity"),
    ],
)
def test_what_may_not_be_claimed(customer, sku, quantity, live, error, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as raised:
        claim(facts(("S", 2, "2.00")), customer_id=customer, sku=sku, quantity=quantity, live=live)
    if field is not None:
        assert raised.value.details["field"] == field


def test_an_unknown_order_is_not_found() -> None:
    with pytest.raises(NotFound):
        claim(None, customer_id="cust-1", sku="S", quantity=1, live=[])


def test_a_body_that_disagrees_with_the_record_is_refused() -> None:
    record = Claimed(seller_id="seller-a", paid_fen=19900, tier=Tier.GOLD)
    agree(record, seller_id="seller-a", paid_fen=19900, tier=Tier.GOLD)
    agree(record, seller_id=None, paid_fen=None, tier=None)
    for sent, field in (
        ({"seller_id": "seller-b"}, "seller_id"),
        ({"paid_fen": 9999900}, "paid_amount"),
        ({"tier": Tier.DIAMOND}, "customer_tier"),
    ):
        args = {"seller_id": None, "paid_fen": None, "tier": None} | sent
        with pytest.raises(Invalid) as raised:
            agree(record, **args)  # type: ignore[arg-type]
        assert raised.value.details["field"] == field


def test_the_same_facts_again_are_a_no_op_other_facts_a_conflict() -> None:
    stored = facts(("S", 1, "1.00"))
    check_again(stored, facts(("S", 1, "1.00")).model_copy(update={"placed_at": datetime.now(UTC)}))
    with pytest.raises(OrderFactsDiffer):
        check_again(stored, facts(("S", 1, "2.00")))


def test_lines_of_the_same_sku_are_one_line() -> None:
    merged = facts(("S", 1, "1.00"), ("S", 2, "2.50"), ("T", 1, "3.00"))
    assert [(x.sku, x.quantity, x.paid_fen) for x in merged.lines] == [("S", 3, 350), ("T", 1, 300)]
