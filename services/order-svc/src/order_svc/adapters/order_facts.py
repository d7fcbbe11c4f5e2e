"""MongoDB adapter of the order facts: one document per order_no, written once, never changed.

Being never changed (nor removed), the facts this process stored or read are kept in memory (the
latest `cache_size` used): recording an order and applying for it read them from there, not
from the store. The claims on an order's lines are read from the service orders themselves (those
not rejected, cancelled or closed), always from the store, so they never disagree with the orders.
"""

from __future__ import annotations

from typing import Any

from aftersales_shared.persistence import Doc
from cachetools import LRUCache
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from order_svc.domain.model import Status
from order_svc.domain.order_facts import NOT_CLAIMING, Claim, OrderFacts

CLAIMING = sorted(s.value for s in Status if s not in NOT_CLAIMING)


class MongoOrderFacts:
    def __init__(
        self, facts: AsyncCollection[Doc], orders: AsyncCollection[Doc], *, cache_size: int = 512
    ) -> None:
        self._c = facts
        self._orders = orders
        self._known: LRUCache[str, OrderFacts] | None = (
            LRUCache(maxsize=cache_size) if cache_size > 0 else None
        )
        """Facts stored or read by this process (never stale: facts never change)."""

    async def get(self, order_no: str) -> OrderFacts | None:
        """The stored facts (from memory when this process stored or read them); an absent
        order_no is read each time (it may be recorded meanwhile)."""
        if self._known is not None and (hit := self._known.get(order_no)) is not None:
            return hit
        doc = await self._c.find_one({"_id": {"$eq": order_no}})
        if doc is None:
            return None
        return self._remember(OrderFacts.model_validate(_without_id(doc)))

    async def add(self, facts: OrderFacts) -> bool:
        """Stored; False when an order with this order_no was stored first."""
        try:
            await self._c.insert_one({**facts.model_dump(mode="json"), "_id": facts.order_no})
        except DuplicateKeyError:
            return False
        self._remember(facts)
        return True

    def _remember(self, facts: OrderFacts) -> OrderFacts:
        if self._known is not None:
            self._known[facts.order_no] = facts
        return facts

    async def claims(self, order_no: str) -> list[Claim]:
        """The live after-sales orders on this order: what each holds of its line."""
        where = {"order_no": {"$eq": order_no}, "status": {"$in": CLAIMING}}
        cursor = self._orders.find(where, {"sku": 1, "quantity": 1, "paid_fen": 1})
        return [
            Claim(sku=str(d["sku"]), quantity=int(d["quantity"]), paid_fen=int(d["paid_fen"]))
            for d in await cursor.to_list()
        ]


def _without_id(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "_id"}
