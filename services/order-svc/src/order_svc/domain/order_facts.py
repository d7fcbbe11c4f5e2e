"""Order facts (订单): what the marketplace's order system says a customer bought and paid.

An application points at a line of these facts; the seller, the paid amount and the tier come from
here, never from the customer. A line's paid amount is split over its units exactly in fen: a
claim of `q` of `Q` units gets `floor(paid * q / Q)`, except the claim that takes the last units
left on the line, which gets what is left of the line's paid amount (it absorbs the remainder
fen). So the live claims of a fully claimed line add up to exactly what was paid for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales_shared.errors import Conflict, Invalid, NotFound
from aftersales_shared.ids import Id
from aftersales_shared.money import Count, Paid, show_fen
from pydantic import AwareDatetime, BaseModel, Field

from order_svc.domain.commands import Name, OrderNo, Payload, fen
from order_svc.domain.model import Status, Tier

NOT_CLAIMING = frozenset({Status.REJECTED, Status.CANCELLED, Status.CLOSED})
"""After-sales orders in these states no longer hold their quantity of the line."""


class LineIn(Payload):
    sku: Name
    quantity: Count
    paid_amount: Paid
    """What the customer actually paid for the whole line (all its units)."""


class PlaceOrder(Payload):
    """The order system's facts of one paid order (`POST /v1/orders`, `order.placed`)."""

    order_no: OrderNo
    seller_id: Id
    customer_id: Id
    customer_tier: Tier
    paid_at: AwareDatetime
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    """Lines of the same sku are one line: their quantities and paid amounts add up."""


class FactLine(BaseModel):
    sku: str
    quantity: int
    paid_fen: int


class OrderFacts(BaseModel):
    """The stored facts of one order; never changed once stored."""

    order_no: str
    seller_id: str
    customer_id: str
    customer_tier: Tier
    paid_at: datetime
    lines: list[FactLine]
    placed_at: datetime

    def line(self, sku: str) -> FactLine | None:
        return next((line for line in self.lines if line.sku == sku), None)


class OrderFactsDiffer(Conflict):
    code = "order_facts_differ"


@dataclass(frozen=True)
class Claim:
    """A live after-sales order's hold on a line: its quantity and its share of the paid amount."""

    sku: str
    quantity: int
    paid_fen: int


@dataclass(frozen=True)
class Claimed:
    """What the record says an application is for."""

    seller_id: str
    paid_fen: int
    tier: Tier


def facts_of(p: PlaceOrder, *, now: datetime) -> OrderFacts:
    merged: dict[str, FactLine] = {}
    for x in p.lines:
        had = merged.get(x.sku, FactLine(sku=x.sku, quantity=0, paid_fen=0))
        merged[x.sku] = FactLine(
            sku=x.sku,
            quantity=had.quantity + x.quantity,
            paid_fen=had.paid_fen + fen(x.paid_amount),
        )
    lines = list(merged.values())
    return OrderFacts(
        order_no=p.order_no,
        seller_id=p.seller_id,
        customer_id=p.customer_id,
        customer_tier=p.customer_tier,
        paid_at=p.paid_at,
        lines=lines,
        placed_at=now,
    )


def same_facts(a: OrderFacts, b: OrderFacts) -> bool:
    """The same order again (when it was received aside)."""
    return a.model_dump(exclude={"placed_at"}) == b.model_dump(exclude={"placed_at"})


def check_again(stored: OrderFacts, offered: OrderFacts) -> None:
    """A repeat of the stored facts is a no-op; other facts for a known order_no are 409."""
    if not same_facts(stored, offered):
        raise OrderFactsDiffer(
            f"order {stored.order_no} is already recorded with other facts",
            order_no=stored.order_no,
        )


def share_fen(line: FactLine, quantity: int, live: list[Claim]) -> int:
    """The paid amount of `quantity` units of `line`, given the live claims on it (see above)."""
    taken = sum(c.quantity for c in live)
    if taken + quantity == line.quantity:
        return line.paid_fen - sum(c.paid_fen for c in live)
    return line.paid_fen * quantity // line.quantity


def claim(
    facts: OrderFacts | None,
    *,
    customer_id: str,
    sku: str,
    quantity: int,
    live: list[Claim],
) -> Claimed:
    """What an application for `quantity` of `sku` is for; 404 / 422 when it may not be made."""
    if facts is None or facts.customer_id != customer_id:
        raise NotFound("order not found")
    line = facts.line(sku)
    if line is None:
        raise Invalid(f"sku {sku} is not on order {facts.order_no}", field="sku")
    on_line = [c for c in live if c.sku == sku]
    left = line.quantity - sum(c.quantity for c in on_line)
    if quantity > left:
        raise Invalid(
            f"only {left} of {line.quantity} of this line are left to claim", field="quantity"
        )
    paid = share_fen(line, quantity, on_line)
    if paid <= 0:
        raise Invalid("this quantity's share of what was paid is 0.00", field="quantity")
    return Claimed(seller_id=facts.seller_id, paid_fen=paid, tier=facts.customer_tier)


def agree(
    claimed: Claimed, *, seller_id: str | None, paid_fen: int | None, tier: Tier | None
) -> None:
    """What the body sent of the record must be the record (422 naming the field otherwise)."""
    if seller_id is not None and seller_id != claimed.seller_id:
        raise Invalid("seller_id is not the order's seller", field="seller_id")
    if paid_fen is not None and paid_fen != claimed.paid_fen:
        raise Invalid(
            f"paid_amount is not what was paid for this quantity ({show_fen(claimed.paid_fen)})",
            field="paid_amount",
        )
    if tier is not None and tier is not claimed.tier:
        raise Invalid(
            "customer_tier is not the customer's tier on the order", field="customer_tier"
        )


def facts_view(facts: OrderFacts, live: list[Claim]) -> dict[str, Any]:
    """The facts and what is claimed of each line (by live after-sales orders)."""
    lines = []
    for line in facts.lines:
        held = [c for c in live if c.sku == line.sku]
        claimed = sum(c.quantity for c in held)
        lines.append(
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "paid_amount": show_fen(line.paid_fen),
                "claimed_quantity": claimed,
                "claimed_amount": show_fen(sum(c.paid_fen for c in held)),
                "left_quantity": line.quantity - claimed,
            }
        )
    return {
        "order_no": facts.order_no,
        "seller_id": facts.seller_id,
        "customer_id": facts.customer_id,
        "customer_tier": facts.customer_tier.value,
        "paid_at": facts.paid_at.isoformat(),
        "placed_at": facts.placed_at.isoformat(),
        "lines": lines,
    }
