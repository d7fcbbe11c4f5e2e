"""Money and counts as callers send them: strict, ASCII, two decimals at most, with a ceiling;
and money as text, the one way every service writes an amount out (`show_fen`, `show_yuan`).

An amount is a JSON number or a canonical decimal string ("199", "199.5", "199.00"): no sign,
no spaces, no leading zeros, no exponent, no digits but 0-9. Booleans are not numbers. Each
kind of amount has a ceiling that its pattern states, so the OpenAPI says what is enforced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictInt, WithJsonSchema

MAX_AMOUNT = Decimal("9999999.99")
"""Any amount (a line's price, a refund): under ten million CNY."""
MAX_FREIGHT = Decimal("999.99")
"""A freight of one leg (a return shipment, an exchange): under a thousand CNY."""
CENT = Decimal("0.01")


def show_fen(fen: int) -> str:
    """An amount of integer fen (分) as CNY text with two places: 19950 -> "199.50"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def show_yuan(amount: Decimal) -> str:
    """A decimal amount of CNY as `show_fen` writes it: Decimal("12.5") -> "12.50"."""
    fen = amount * 100
    if not fen.is_finite() or fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return show_fen(int(fen))


def money_pattern(ceiling: Decimal, *, positive: bool = False) -> str:
    """The canonical decimal strings from 0 (or above 0) up to a ceiling of the form 9…9.99."""
    digits = len(str(int(ceiling)))
    whole = rf"[1-9][0-9]{{0,{digits - 1}}}(\.[0-9]{{1,2}})?"
    if positive:
        return rf"^({whole}|0\.(0[1-9]|[1-9][0-9]?))$"
    return rf"^(0(\.[0-9]{{1,2}})?|{whole})$"


def strict_amount(ceiling: Decimal, *, positive: bool = False) -> Callable[[object], Decimal]:
    """The validator of an amount up to `ceiling` (above 0 if `positive`), with two places."""
    canonical = re.compile(money_pattern(ceiling, positive=positive).strip("^$"), re.ASCII)

    def parse(raw: object) -> Decimal:
        if isinstance(raw, Decimal):
            amount = raw
        elif isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise ValueError('an amount is a JSON number or a decimal string like "199.00"')
        elif isinstance(raw, str):
            if not canonical.fullmatch(raw):
                raise ValueError(f'an amount is a decimal string like "199.00" up to {ceiling}')
            amount = Decimal(raw)
        else:
            try:
                amount = Decimal(str(raw))
            except InvalidOperation:
                raise ValueError("an amount must be a finite number") from None
        if not amount.is_finite() or amount < 0 or amount > ceiling:
            raise ValueError(f"an amount is between 0 and {ceiling}")
        if amount != amount.quantize(CENT):
            raise ValueError("an amount has at most 2 decimals")
        if positive and amount == 0:
            raise ValueError("this amount must be above 0")
        return amount.quantize(CENT)

    return parse


def amount_schema(ceiling: Decimal, *, positive: bool = False) -> dict[str, Any]:
    """What the OpenAPI says of an amount: the number or the string the validator takes."""
    low = {"exclusiveMinimum": 0} if positive else {"minimum": 0}
    return {
        "anyOf": [
            {"type": "number", **low, "maximum": float(ceiling), "multipleOf": 0.01},
            {"type": "string", "pattern": money_pattern(ceiling, positive=positive)},
        ],
        "examples": ["199.00"],
    }


Money = Annotated[
    Decimal, BeforeValidator(strict_amount(MAX_AMOUNT)), WithJsonSchema(amount_schema(MAX_AMOUNT))
]
"""An amount in CNY from 0 to MAX_AMOUNT."""
Paid = Annotated[
    Decimal,
    BeforeValidator(strict_amount(MAX_AMOUNT, positive=True)),
    WithJsonSchema(amount_schema(MAX_AMOUNT, positive=True)),
]
"""What a customer paid: above 0, since refunds and pre-compensation need a positive amount."""
Freight = Annotated[
    Decimal,
    BeforeValidator(strict_amount(MAX_FREIGHT)),
    WithJsonSchema(amount_schema(MAX_FREIGHT)),
]
"""A freight of one leg in CNY, from 0 to MAX_FREIGHT."""


def integral(raw: object) -> object:
    """A number with no fraction (`2.0`) as the integer it is: JSON Schema's `integer` takes it."""
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


Count = Annotated[StrictInt, Field(ge=1, le=999), BeforeValidator(integral)]
"""A quantity: a JSON integer (`2` or `2.0`; not `true`, not "1", not `2.5`), from 1 to 999."""
