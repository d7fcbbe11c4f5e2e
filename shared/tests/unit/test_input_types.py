"""The shared input types: strict money and counts, one phone rule, one id pattern."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from aftersales_shared.ids import ID_PATTERN, KeyId, is_id
from aftersales_shared.money import Count, Freight, Money, Paid, money_pattern
from aftersales_shared.phones import PHONE_PATTERN, Phone
from pydantic import BaseModel, ValidationError


class Body(BaseModel):
    amount: Money | None = None
    freight: Freight | None = None
    quantity: Count | None = None
    phone: Phone | None = None
    staff_id: KeyId | None = None


def parse(**fields: Any) -> Body:
    return Body.model_validate_json(json.dumps(fields))


@pytest.mark.parametrize(
    ("raw", "amount"),
    [(0, "0.00"), (199, "199.00"), (199.5, "199.50"), ("199.5", "199.50"), ("0.01", "0.01"),
     ("9999999.99", "9999999.99"), (9999999.99, "9999999.99")],
)  # fmt: skip
def test_amounts_are_numbers_or_canonical_strings(raw: Any, amount: str) -> None:
    assert parse(amount=raw).amount == Decimal(amount)


@pytest.mark.parametrize(
    "raw",
    [True, False, " 1.00", "1.00 ", "\uff11\uff10\uff10", "\u0661", "01", "1e2", "+1", "-1", -0.01,
     "1.", ".5", "1.001", 0.001, "NaN", "Infinity", 1e308, "10000000", 10000000, [], {}],
)  # fmt: skip
def test_anything_else_is_not_an_amount(raw: Any) -> None:
    with pytest.raises(ValidationError):
        parse(amount=raw)


def test_a_freight_has_its_own_ceiling() -> None:
    assert parse(freight="999.99").freight == Decimal("999.99")
    with pytest.raises(ValidationError, match=r"999\.99"):
        parse(freight="1000")
    with pytest.raises(ValidationError):
        parse(freight="9999999999.99")


def test_the_pattern_the_openapi_shows_is_the_one_enforced() -> None:
    pattern = re.compile(money_pattern(Decimal("999.99")))
    assert pattern.match("999.99")
    assert not pattern.match("1000")
    schema = Body.model_json_schema()["properties"]["freight"]["anyOf"][0]
    assert schema["anyOf"][1]["pattern"] == money_pattern(Decimal("999.99"))
    assert schema["anyOf"][0]["maximum"] == 999.99


@pytest.mark.parametrize("raw", [True, "1", 1.5, 0, 1000, 0.0, 1000.0, 1e308, "inf"])
def test_a_count_is_a_json_integer_from_1_to_999(raw: Any) -> None:
    with pytest.raises(ValidationError):
        parse(quantity=raw)


@pytest.mark.parametrize(("raw", "count"), [(1, 1), (523.0, 523), (999.0, 999)])
def test_a_count_with_no_fraction_is_the_integer_json_schema_says_it_is(
    raw: Any, count: int
) -> None:
    parsed = parse(quantity=raw).quantity
    assert parsed == count
    assert type(parsed) is int


@pytest.mark.parametrize(
    "raw", ["13800138000", "+8613800138000", "+86 13800138000", "8613800138000", "138-0013-8000"]
)
def test_phones_are_normalised(raw: str) -> None:
    assert parse(phone=raw).phone == "13800138000"
    assert re.match(PHONE_PATTERN, raw)


@pytest.mark.parametrize("raw", ["10000000000", "12000000000", "\u0661" * 11, "1380013800"])
def test_other_numbers_are_not_phones(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse(phone=raw)


@pytest.mark.parametrize("raw", ["a\x00b", "a\nb", "", "x" * 101, "é", "a b", ".a"])
def test_ids_are_printable_ascii_and_bounded(raw: str) -> None:
    assert not is_id(raw)
    assert not re.match(ID_PATTERN, raw)


def test_a_key_id_has_no_dot() -> None:
    assert is_id("a.b")
    with pytest.raises(ValidationError):
        parse(staff_id="a.b")


class PaidBody(BaseModel):
    paid: Paid


@pytest.mark.parametrize("raw", [0, 0.0, "0", "0.0", "0.00", -1, "00.01"])
def test_a_paid_amount_is_above_zero(raw: Any) -> None:
    with pytest.raises(ValidationError):
        PaidBody.model_validate_json(json.dumps({"paid": raw}))


@pytest.mark.parametrize(
    ("raw", "paid"), [("0.01", "0.01"), ("0.1", "0.10"), (0.5, "0.50"), ("199", "199.00")]
)
def test_a_positive_paid_amount_is_taken(raw: Any, paid: str) -> None:
    assert PaidBody.model_validate_json(json.dumps({"paid": raw})).paid == Decimal(paid)


@pytest.mark.parametrize("raw", ["0.01", "0.1", "0.10", "0.99", "1", "9999999.99"])
def test_the_paid_pattern_takes_what_the_validator_takes(raw: str) -> None:
    assert re.fullmatch(money_pattern(Decimal("9999999.99"), positive=True), raw)


@pytest.mark.parametrize("raw", ["0", "0.0", "0.00", "01", "10000000"])
def test_the_paid_pattern_refuses_what_the_validator_refuses(raw: str) -> None:
    assert not re.fullmatch(money_pattern(Decimal("9999999.99"), positive=True), raw)


def test_a_count_is_described_with_its_bounds() -> None:
    described = Body.model_json_schema()["properties"]["quantity"]["anyOf"][0]
    assert described == {"type": "integer", "minimum": 1, "maximum": 999}
