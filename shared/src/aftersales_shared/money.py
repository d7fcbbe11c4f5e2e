"""Money and counts as callers send them: strict, ASCII, two decimals at most, with a ceiling.

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


def money_pattern(ceiling: Decimal) -> str:
    """The canonical decimal strings from 0 up to a ceiling of the form 9…9.99."""
    digits = len(str(int(ceiling)))
    return rf"^(0|[1-9][0-9]{{0,{digits - 1}}})(\.[0-9]{{1,2}})?$"


def strict_amount(ceiling: Decimal) -> Callable[[object], Decimal]:
    """The validator of an amount up to `ceiling`, as a Decimal with two places."""
    canonical = re.compile(money_pattern(ceiling).strip("^$"), re.ASCII)

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
        return amount.quantize(CENT)

    return parse


def amount_schema(ceiling: Decimal) -> dict[str, Any]:
    """What the OpenAPI says of an amount: the number or the string the validator takes."""
    return {
        "anyOf": [
            {"type": "number", "minimum": 0, "maximum": float(ceiling), "multipleOf": 0.01},
            {"type": "string", "pattern": money_pattern(ceiling)},
        ],
        "examples": ["199.00"],
    }


Money = Annotated[
    Decimal, BeforeValidator(strict_amount(MAX_AMOUNT)), WithJsonSchema(amount_schema(MAX_AMOUNT))
]
"""An amount in CNY from 0 to MAX_AMOUNT."""
Freight = Annotated[
    Decimal,
    BeforeValidator(strict_amount(MAX_FREIGHT)),
    WithJsonSchema(amount_schema(MAX_FREIGHT)),
]
"""A freight of one leg in CNY, from 0 to MAX_FREIGHT."""
Count = Annotated[StrictInt, Field(ge=1, le=999)]
"""A quantity: a JSON integer (not `true`, not "1"), from 1 to 999."""
