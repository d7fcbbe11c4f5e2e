"""MongoDB adapters: orders and sellers as compare-and-set documents, audit images apart."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from aftersales_shared.contracts import Envelope
from aftersales_shared.persistence import Doc, Versioned, VersionedCollection
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from order_svc.adapters.mongo_tails import MongoTails
from order_svc.adapters.order_counts import OrderCounters, counted
from order_svc.adapters.order_queries import count_due, sort_of, where_of, workbench_fields
from order_svc.domain.model import FINAL
from order_svc.domain.open_lines import open_line
from order_svc.domain.order import HistoryEntry, ServiceOrder
from order_svc.domain.seller import Seller
from order_svc.domain.tail import spill
from order_svc.ports import OrderQuery

SUMMARY = (
    "id",
    "order_no",
    "seller_id",
    "status",
    "locked",
    "assignee",
    "customer_responded",
    "category",
    "sku",
    "quantity",
    "paid_fen",
    "outcome",
    "applied_at",
    "tracking_no",
    "customer_tier",
    "version",
    "shipped",
    "next_due_ms",
    "next_due_kind",
)


def order_doc(order: ServiceOrder) -> Doc:
    """The stored shape: the order plus the fields the list filters and sorts on."""
    doc = order.model_dump(mode="json")
    doc["_id"] = order.id
    doc["created_ms"] = int(order.applied_at.timestamp() * 1000)
    doc["tracking_no"] = order.shipment.tracking_no if order.shipment else None
    doc |= workbench_fields(order)
    if (line := open_line(order)) is not None:  # absent once final: the sparse index skips it
        doc["open_line"] = line
    return doc


class MongoOrders:
    """Service orders; each write carries the messages it produces."""

    def __init__(self, versioned: VersionedCollection, *, keep: int = 20) -> None:
        self._v = versioned
        self._c: AsyncCollection[Doc] = versioned.collection
        self._keep = keep
        """History entries and messages the document keeps at least (twice as many at most)."""
        self.tails = MongoTails(self._c.database)
        self._counters = OrderCounters(self._c.database["order_counts"], self._c)

    @property
    def collection(self) -> AsyncCollection[Doc]:
        return self._c

    def overlong(self, order: ServiceOrder) -> bool:
        """Whether the next write will move some of the order's history or messages out."""
        return max(len(order.history), len(order.messages)) > 2 * self._keep

    async def ensure_indexes(self) -> None:
        for key in ("seller_id", "customer_id"):
            await self._c.create_index([(key, ASCENDING), ("created_ms", DESCENDING)])
        for key in ("created_ms", "order_no", "customer_phone", "tracking_no", "status"):
            await self._c.create_index(key)
        await self._c.create_index("open_line", unique=True, sparse=True)
        await self.tails.ensure_indexes()
        for key in ("status", "next_due_ms", "locked", "shipped"):
            await self._c.create_index([("seller_id", ASCENDING), (key, ASCENDING)])
        await self._counters.ensure()

    async def get(self, order_id: str) -> tuple[ServiceOrder, Versioned] | None:
        """The order as stored now."""
        return self._parsed(await self._v.get(order_id))

    async def get_for_update(self, order_id: str) -> tuple[ServiceOrder, Versioned] | None:
        """The version this process last read or wrote (the save's compare-and-set checks it)."""
        return self._parsed(await self._v.get_for_update(order_id))

    def _parsed(self, current: Versioned | None) -> tuple[ServiceOrder, Versioned] | None:
        if current is None:
            return None
        if isinstance(current.parsed, ServiceOrder):
            return current.parsed, current
        order = ServiceOrder.model_validate(current.data)
        self._v.remember_parsed(order.id, current.version, order)
        return order, current

    async def add(self, order: ServiceOrder, messages: Sequence[Envelope]) -> None:
        doc = order_doc(order)
        stored = await self._v.insert(doc, messages=messages)
        self._v.remember_parsed(order.id, stored.version, order)
        await self._counters.moved(None, doc)

    async def holding(self, line: str) -> tuple[str, str] | None:
        """The open application on this order line: (its id, its customer), if any."""
        doc = await self._c.find_one({"open_line": {"$eq": line}}, {"customer_id": 1})
        return None if doc is None else (str(doc["_id"]), str(doc["customer_id"]))

    async def save(
        self, current: Versioned, order: ServiceOrder, messages: Sequence[Envelope]
    ) -> None:
        """Compare-and-set; what leaves the order's tails is stored apart first (committed)."""
        cut = spill(order, keep=self._keep, committed=_totals(current))
        await self.tails.put(order.id, cut)
        doc = order_doc(cut.order)
        stored = await self._v.save(current, doc, messages=messages)
        if cut.order.status in FINAL:  # rarely written again: memory stays flat over a long run
            self._v.forget(order.id)
        else:
            self._v.remember_parsed(order.id, stored.version, cut.order)
        before = current.parsed
        await self._counters.moved(
            counted(before) if isinstance(before, ServiceOrder) else current.data, doc
        )

    async def recount(self) -> int:
        """The workbench counters computed again from the orders (`python -m order_svc recount`)."""
        return await self._counters.recount()

    async def close(self) -> None:
        """Write the counter moves held in memory (a graceful stop)."""
        await self._counters.close()

    async def made_by(self, order_id: str, request: str) -> bool:
        return await self.tails.made_by(order_id, request)

    async def history_page(
        self, order: ServiceOrder, *, after: int, limit: int
    ) -> list[tuple[int, HistoryEntry]]:
        return await self.tails.history_page(order, after=after, limit=limit)

    async def find(self, query: OrderQuery) -> list[dict[str, Any]]:
        """Newest first; `$eq` everywhere so the development store uses its indexes."""
        where = where_of(query)
        cursor = (
            self._c.find(where, {k: 1 for k in SUMMARY})
            .sort(sort_of(query))
            .skip(query.offset)
            .limit(query.limit)
        )
        return [{k: v for k, v in d.items() if k != "_id"} for d in await cursor.to_list()]

    async def counts(self, query: OrderQuery, *, due_before_ms: int) -> dict[str, Any]:
        """Per state the orders of the query's scope, and the workbench's badges."""
        due = await count_due(self._c, query, due_before_ms=due_before_ms)
        return await self._counters.counts(query) | {"due_within_24h": due}


def _totals(current: Versioned) -> tuple[int, int]:
    """The (history, messages) totals of a stored version (parsed, or a raw document)."""
    if isinstance(o := current.parsed, ServiceOrder):
        return o.history_start + len(o.history), o.messages_start + len(o.messages)
    d = current.data
    return (
        int(d.get("history_start", 0)) + len(d.get("history", [])),
        int(d.get("messages_start", 0)) + len(d.get("messages", [])),
    )


class MongoSellers:
    def __init__(self, versioned: VersionedCollection) -> None:
        self._v = versioned

    async def get(self, seller_id: str) -> tuple[Seller, Versioned] | None:
        current = await self._v.get(seller_id)
        if current is None:
            return None
        return Seller.model_validate(current.data), current

    async def registered(self, seller_id: str) -> bool:
        """Whether the seller exists; sellers are never removed, so memory may answer yes."""
        return await self._v.get_for_update(seller_id) is not None

    async def add(self, seller: Seller) -> None:
        await self._v.insert({**seller.model_dump(mode="json"), "_id": seller.seller_id})

    async def save(
        self, current: Versioned, seller: Seller, *, messages: Sequence[Envelope] = ()
    ) -> None:
        doc = {**seller.model_dump(mode="json"), "_id": seller.seller_id}
        await self._v.save(current, doc, messages=messages)


class MongoAttachments:
    """Audit images, kept out of the order document so reading an order stays light."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection

    async def put(
        self, *, attachment_id: str, order_id: str, meta: dict[str, Any], data: bytes
    ) -> None:
        # An id is made once per upload (or per Idempotency-Key slot): one stored is this image,
        # written by an attempt that died. An insert, as the dev store cannot replace binary data.
        with contextlib.suppress(DuplicateKeyError):
            await self._c.insert_one(
                {"_id": attachment_id, "order_id": order_id, **meta, "data": data}
            )

    async def get(self, attachment_id: str) -> dict[str, Any] | None:
        return await self._c.find_one({"_id": {"$eq": attachment_id}})

    async def delete(self, attachment_ids: Sequence[str]) -> None:
        """Remove images a refused audit had stored."""
        if attachment_ids:
            await self._c.delete_many({"_id": {"$in": list(attachment_ids)}})
