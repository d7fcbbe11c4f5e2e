"""What callers send: the payload of each command, validated on entry (422 when malformed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from aftersales_shared.ids import LINE_PATTERN, TEXT_PATTERN, Id, KeyId
from aftersales_shared.money import Count, Freight, Money, Paid
from aftersales_shared.phones import Phone
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from order_svc.domain.choices import ProcessOutcome
from order_svc.domain.model import AuditResult, Outcome, Permission, Rating, Tier

Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)]
"""Free text: line breaks and tabs allowed, no other control character."""
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=LINE_PATTERN)]
"""A one-line value (sku, carrier, tracking number, category): no control character."""
OrderNo = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", examples=["JD1001"])]
"""What the customer's SMS can carry (sms-svc's rule for `order_no`): checked at apply."""
Url = Annotated[
    str,
    Field(
        max_length=1000,
        pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*$",
        examples=["https://img.example.com/p/1.jpg"],
        description="An http(s) address with a host and no whitespace",
    ),
]
"""A photo's address: only http(s), since the workbench shows it as a link a seller opens."""


def fen(amount: Decimal) -> int:
    """A validated Money value in integer fen."""
    return int(amount * 100)


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShipmentIn(Payload):
    carrier: Name
    tracking_no: Name
    freight: Freight = Decimal("0")


class Apply(Payload):
    """The customer's application: it points at a line of an order (`domain/order_facts.py`).

    `seller_id`, `paid_amount` and `customer_tier` come from the order; sent, they must agree.
    """

    order_no: OrderNo
    seller_id: Id | None = None
    sku: Name
    quantity: Count
    paid_amount: Paid | None = None
    category: Name
    reason: Name
    description: Text
    quality_issue: bool
    customer_tier: Tier | None = None
    customer_phone: Phone
    photos: list[Url] = Field(default_factory=list, max_length=10)
    shipment: ShipmentIn | None = None


class Application(Apply):
    """An application with the order's facts filled in (what the domain's `apply` takes)."""

    seller_id: Id
    paid_amount: Paid
    customer_tier: Tier = Tier.REGULAR


class AttachmentMeta(Payload):
    """An audit image: its bytes are stored apart; only these facts live on the order."""

    id: str
    filename: Name
    content_type: str
    size_bytes: int = Field(ge=0)


class Audit(Payload):
    result: AuditResult
    opinion: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)
    """CUSTOMER_ABANDON: the record of the customer's consent (required)."""
    attachments: list[AttachmentMeta] = Field(default_factory=list)
    reship_sku: Name | None = None


class Feedback(Payload):
    text: Text
    photos: list[Url] = Field(default_factory=list, max_length=10)


class Receipt(Payload):
    note: str = Field(default="", max_length=2000)
    freight: Freight | None = None


class ReturnFreight(Payload):
    amount: Freight


class Process(Payload):
    outcome: ProcessOutcome
    amount: Money | None = None
    reason: str | None = Field(default=None, max_length=200)
    remark: str | None = Field(default=None, max_length=2000)
    sku: Name | None = None
    carrier: Name | None = None
    tracking_no: Name | None = None
    exchange_turned_refund: bool = False
    freight: Freight | None = None
    """RETURN_ORIGINAL, OFFLINE_EXCHANGE: the outbound freight (the seller bears it)."""


class Message(Payload):
    text: Text


class Resolve(Payload):
    offline_exchange: bool = False
    tracking_no: Name | None = None
    remark: str | None = Field(default=None, max_length=2000)


class Abandon(Payload):
    note: str | None = Field(default=None, max_length=2000)


class Arbitration(Payload):
    reason: Text


class Rate(Payload):
    rating: Rating


class ExchangeShipped(Payload):
    shipped_at: AwareDatetime
    tracking_no: Name
    freight: Freight | None = None
    """The outbound freight of the exchange order (the seller bears it)."""


class Ruling(Payload):
    case_id: str
    outcome: Outcome
    amount: Money | None = None
    sku: str | None = None
    note: str = ""


class Assign(Payload):
    staff_id: KeyId


class Empty(Payload):
    """Commands that carry nothing but the order id."""


class AssignTo(Payload):
    """Assignment to a staff member, with that member's rights as the staff records hold them."""

    staff_id: KeyId
    permissions: frozenset[Permission]
    categories: frozenset[str]


class ExchangeShippedCmd(ExchangeShipped):
    exchange_order_id: str


class Notice(Payload):
    """What a system notice needs that the order does not hold (the seller's contact phone)."""

    seller_phone: str = Field(min_length=1, max_length=32)
