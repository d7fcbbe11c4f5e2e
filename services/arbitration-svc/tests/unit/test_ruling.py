"""Rulings: each outcome with what it needs, money exact, checked against the evidence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from aftersales_shared.error_status import http_status
from aftersales_shared.errors import Invalid
from aftersales_shared.money import show_yuan
from arbitration_svc.domain.case import open_case, rule, take
from arbitration_svc.domain.ruling import Outcome, decide, parse_money
from arbitration_svc.handlers import case_request

from .factories import T0, new_case, request

PAID = Decimal("199.00")


@pytest.mark.parametrize(
    ("outcome", "kwargs", "amount", "sku"),
    [
        (Outcome.REFUND, {"amount": Decimal("199.00")}, "199.00", None),
        (Outcome.REFUND, {"amount": Decimal("0.01")}, "0.01", None),
        (Outcome.REFUND, {"amount": Decimal("50.5")}, "50.50", None),
        (Outcome.EXCHANGE, {"sku": "SKU-NEW"}, "199.00", "SKU-NEW"),
        (Outcome.EXCHANGE, {"sku": " SKU-NEW ", "amount": Decimal("199")}, "199.00", "SKU-NEW"),
        (Outcome.RETURN_ORIGINAL, {}, None, None),
        (Outcome.CLAIM_REJECTED, {}, None, None),
    ],
)
def test_valid_rulings(outcome: Outcome, kwargs: dict[str, Any], amount: str, sku: str) -> None:
    ruling = decide(outcome=outcome, note=" because ", paid_amount=PAID, **kwargs)
    dumped = ruling.model_dump(mode="python")
    assert dumped == {"outcome": outcome, "amount": amount, "sku": sku, "note": "because"}


@pytest.mark.parametrize(
    ("outcome", "kwargs", "field"),
    [
        (Outcome.REFUND, {}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("0")}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("-1")}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("199.01")}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("1.001")}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("NaN")}, "amount"),
        (Outcome.REFUND, {"amount": Decimal("10"), "sku": "X"}, "sku"),
        (Outcome.EXCHANGE, {}, "sku"),
        (Outcome.EXCHANGE, {"sku": "  "}, "sku"),
        (Outcome.EXCHANGE, {"sku": "X" * 65}, "sku"),
        (Outcome.EXCHANGE, {"sku": "X", "amount": Decimal("100")}, "amount"),
        (Outcome.RETURN_ORIGINAL, {"amount": Decimal("1")}, "amount"),
        (Outcome.RETURN_ORIGINAL, {"sku": "X"}, "sku"),
        (Outcome.CLAIM_REJECTED, {"amount": Decimal("1")}, "amount"),
        (Outcome.CLAIM_REJECTED, {"sku": "X"}, "sku"),
    ],
)
def test_invalid_rulings(outcome: Outcome, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        decide(outcome=outcome, note="n", paid_amount=PAID, **kwargs)
    assert refused.value.details["field"] == field
    assert http_status(refused.value) == 422


@pytest.mark.parametrize("outcome", list(Outcome))
@pytest.mark.parametrize("note", ["", "  \n ", "x" * 2001])
def test_every_ruling_needs_a_note(outcome: Outcome, note: str) -> None:
    with pytest.raises(Invalid) as refused:
        decide(outcome=outcome, note=note, paid_amount=PAID, amount=Decimal(1), sku="S")
    assert refused.value.details["field"] == "note"


def test_a_refund_cannot_be_checked_without_a_paid_amount() -> None:
    with pytest.raises(Invalid, match="no paid amount"):
        decide(outcome=Outcome.REFUND, note="n", paid_amount=None, amount=Decimal(1))


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("199.00", Decimal("199.00")),
        ("0", Decimal("0")),
        (12, Decimal("12")),
        (None, None),
        (1.5, None),
        (True, None),
        ("abc", None),
        ("-1", None),
        ("1.234", None),
        ("Infinity", None),
    ],
)
def test_paid_amount_from_the_evidence(raw: object, parsed: Decimal | None) -> None:
    assert parse_money(raw) == parsed


def test_money_is_shown_with_two_places() -> None:
    assert show_yuan(Decimal("5")) == "5.00"
    assert show_yuan(Decimal("123.4")) == "123.40"


def test_the_case_rules_against_the_paid_amount_of_its_snapshot() -> None:
    case = take(new_case(paid="80.00"), agent="a", at=T0)
    with pytest.raises(Invalid, match="exceeds"):
        rule(case, agent="a", at=T0, outcome=Outcome.REFUND, amount=Decimal("80.01"), note="n")
    ruled = rule(case, agent="a", at=T0, outcome=Outcome.REFUND, amount=Decimal("80"), note="n")
    assert ruled.ruling is not None
    assert ruled.model_dump(mode="python")["ruling"]["amount"] == "80.00"


def test_opening_keeps_the_snapshot_as_evidence() -> None:
    case = open_case(
        case_id="c", request=case_request(request(history=[1, 2])), at=T0, correlation_id=None
    )
    assert case.evidence["history"] == [1, 2]
    assert case.order_no == "NO-1"
    assert case.paid_amount == Decimal("199.00")
    assert case.model_dump(mode="python")["paid_amount"] == "199.00"


@pytest.mark.parametrize(
    ("snapshot", "refunded", "allowed", "refused"),
    [
        ({}, "0", "199.00", "199.01"),
        ({"refund_amount": "50.00"}, "50.00", "149.00", "149.01"),
        ({"refunded_amount": "199.00"}, "199.00", None, "0.01"),
        ({"refunded_amount": "10", "refund_amount": "99"}, "10", "189.00", "189.01"),
        ({"refund_amount": None}, "0", "199.00", "199.01"),
    ],
)
def test_a_refund_ruling_adds_to_what_was_refunded_before(
    snapshot: dict[str, Any], refunded: str, allowed: str | None, refused: str
) -> None:
    case = take(new_case(**snapshot), agent="a", at=T0)
    assert case.refunded_amount == Decimal(refunded)
    if allowed is not None:
        ruled = rule(
            case, agent="a", at=T0, outcome=Outcome.REFUND, amount=Decimal(allowed), note="n"
        )
        assert ruled.ruling is not None
    with pytest.raises(Invalid) as too_much:
        rule(case, agent="a", at=T0, outcome=Outcome.REFUND, amount=Decimal(refused), note="n")
    assert too_much.value.details["field"] == "amount"


def test_amounts_are_found_one_level_down_in_the_evidence() -> None:
    case = new_case(paid=None, money={"paid_amount": "88.00", "refund_amount": "8.00"})
    assert case.paid_amount == Decimal("88.00")
    assert case.refundable_amount == Decimal("80.00")
