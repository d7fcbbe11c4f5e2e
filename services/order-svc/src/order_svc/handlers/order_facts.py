"""Order facts: the order system records them; an application is filled in from them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from aftersales_shared.auth import SELLER_ROLES, Principal, Role
from aftersales_shared.clock import Clock
from aftersales_shared.errors import Invalid, NotFound, NotPermitted

from order_svc.domain import commands as c
from order_svc.domain.open_lines import already_open
from order_svc.domain.order_facts import (
    OrderFacts,
    PlaceOrder,
    agree,
    check_again,
    claim,
    facts_of,
    facts_view,
)
from order_svc.ports import OrderFactsStore, Orders, Sellers


@dataclass
class OrderFactsService:
    facts: OrderFactsStore
    clock: Clock

    async def place(self, payload: PlaceOrder) -> tuple[bool, OrderFacts]:
        """Store the facts once: (True, them) when new; (False, the stored) when the same again;
        409 when other facts were stored for this order_no."""
        offered = facts_of(payload, now=self.clock.now())
        if await self.facts.add(offered):
            return True, offered
        stored = await self.facts.get(payload.order_no)
        assert stored is not None  # facts are never removed
        check_again(stored, offered)
        return False, stored

    async def place_as(self, principal: Principal, payload: PlaceOrder) -> tuple[bool, OrderFacts]:
        """`POST /v1/orders`: the marketplace's order system only (a platform_agent token)."""
        if principal.role is not Role.PLATFORM_AGENT:
            raise NotPermitted("only the marketplace's order system records orders")
        return await self.place(payload)

    async def view(self, principal: Principal, order_no: str) -> dict[str, Any]:
        """The facts and what is claimed per line: the platform, that customer, that seller."""
        facts = await self.facts.get(order_no)
        if facts is None or not _sees(principal, facts):
            raise NotFound(f"order {order_no} not found")
        return facts_view(facts, await self.facts.claims(order_no))


def _sees(principal: Principal, facts: OrderFacts) -> bool:
    if principal.role is Role.PLATFORM_AGENT:
        return True
    if principal.role is Role.CUSTOMER:
        return principal.sub == facts.customer_id
    return principal.role in SELLER_ROLES and principal.seller_id == facts.seller_id


async def application_of(
    store: OrderFactsStore, customer_id: str, payload: c.Apply
) -> c.Application:
    """The application with the seller, paid share and tier of the record; 404 / 422 otherwise."""
    facts = await store.get(payload.order_no)
    live = [] if facts is None else await store.claims(payload.order_no)
    claimed = claim(
        facts, customer_id=customer_id, sku=payload.sku, quantity=payload.quantity, live=live
    )
    sent_paid = None if payload.paid_amount is None else c.fen(payload.paid_amount)
    agree(claimed, seller_id=payload.seller_id, paid_fen=sent_paid, tier=payload.customer_tier)
    return c.Application.model_validate(
        dict(payload)
        | {
            "seller_id": claimed.seller_id,
            "paid_amount": Decimal(claimed.paid_fen).scaleb(-2),
            "customer_tier": claimed.tier,
        }
    )


async def refuse_open(orders: Orders, line: str | None, customer: str) -> None:
    """409 naming the open application on `line` (to its own customer only), if there is one."""
    holder = None if line is None else await orders.holding(line)
    if holder is not None:
        raise already_open(holder_id=holder[0], holder_customer=holder[1], customer=customer)


class Applying(Protocol):
    facts: OrderFactsStore
    orders: Orders
    sellers: Sellers


async def filled_in(
    service: Applying, customer_id: str, payload: c.Apply, line: str
) -> c.Application:
    """`application_of`, an open application on the line named first (409, as before the
    facts), and the record's seller registered (422 otherwise)."""
    try:
        filled = await application_of(service.facts, customer_id, payload)
    except Invalid:
        await refuse_open(service.orders, line, customer_id)
        raise
    if not await service.sellers.registered(filled.seller_id):
        raise Invalid(f"seller {filled.seller_id} is not registered", field="seller_id")
    return filled
