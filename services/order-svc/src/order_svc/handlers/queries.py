"""Reading many orders: the caller's scope, the list's filters, the workbench's counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from aftersales_shared.auth import Principal
from aftersales_shared.clock import Clock
from aftersales_shared.errors import NotPermitted

from order_svc.domain.actors import Actor
from order_svc.domain.model import ActorKind
from order_svc.handlers.actors import actor_of
from order_svc.ports import OrderQuery, Orders, Sellers


def scoped(query: OrderQuery, actor: Actor) -> OrderQuery:
    """The caller's orders only: a seller's own (staff: their categories), a customer's own;
    a platform agent every order (or one seller's, if the query names it)."""
    if actor.kind is ActorKind.CUSTOMER:
        return replace(query, customer_id=actor.id, seller_id=None, categories=None)
    if actor.kind is ActorKind.SELLER:
        return replace(query, seller_id=actor.seller_id, categories=actor.categories)
    return replace(query, customer_id=None, categories=None)


def due_before_ms(clock: Clock, hours: int) -> int:
    """The instant (epoch ms) `hours` from now."""
    return int((clock.now() + timedelta(hours=hours)).timestamp() * 1000)


async def search(
    orders: Orders, sellers: Sellers, principal: Principal, query: OrderQuery
) -> list[dict[str, Any]]:
    """The list rows the caller may see."""
    return await orders.find(scoped(query, await actor_of(principal, sellers)))


async def counts(
    orders: Orders, sellers: Sellers, clock: Clock, principal: Principal, *, seller_id: str | None
) -> dict[str, Any]:
    """The workbench's tab badges: per state, and customer_responded, shipped, locked, due."""
    actor = await actor_of(principal, sellers)
    if actor.kind is ActorKind.CUSTOMER:
        raise NotPermitted("the counts are for sellers and platform agents")
    query = scoped(OrderQuery(seller_id=seller_id), actor)
    return await orders.counts(query, due_before_ms=due_before_ms(clock, 24))
