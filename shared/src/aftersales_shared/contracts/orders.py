"""The marketplace order system's messages: the facts of an order an application may point at."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from aftersales_shared.contracts.envelope import Frozen
from aftersales_shared.contracts.messages import AMOUNT_TEXT

CustomerTier = Literal["REGULAR", "BRONZE", "SILVER", "GOLD", "DIAMOND", "PLUS"]


class PlacedLine(Frozen):
    """One line: `paid_amount` is what the customer actually paid for the whole line ("199.00")."""

    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(ge=1, le=999)
    paid_amount: str = Field(pattern=AMOUNT_TEXT)


class OrderPlaced(Frozen):
    """`order.placed`: the order system's facts of a paid order (the same as `POST /v1/orders`).

    order-svc stores them once by `order_no`: the same facts again change nothing; other facts for
    a known `order_no` are refused (the message goes to the dead-letter queue).
    """

    order_no: str = Field(min_length=1, max_length=32)
    seller_id: str = Field(min_length=1, max_length=100)
    customer_id: str = Field(min_length=1, max_length=100)
    customer_tier: CustomerTier
    paid_at: AwareDatetime
    lines: tuple[PlacedLine, ...] = Field(min_length=1, max_length=100)
