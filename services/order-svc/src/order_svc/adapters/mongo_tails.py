"""History entries and messages that left an order's tail: one small document each, keyed by
order id and sequence number (`order_history`, `order_messages`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from order_svc.domain.order import HistoryEntry, ServiceOrder
from order_svc.domain.tail import Spill, history_total

DUPLICATE_KEY = 11000


async def _put(c: AsyncCollection[Doc], order_id: str, entries: Sequence[tuple[int, Any]]) -> None:
    """Store entries once: one stored already (the same committed entry) is left as it is."""
    if not entries:
        return
    docs = [
        {"_id": f"{order_id}:{n}", "order_id": order_id, "seq": n, **e.model_dump(mode="json")}
        for n, e in entries
    ]
    try:
        await c.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        if any(err.get("code") != DUPLICATE_KEY for err in exc.details.get("writeErrors", [])):
            raise


class MongoTails:
    """What left the orders' tails; an entry is stored here only after it was committed."""

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.history: AsyncCollection[Doc] = db["order_history"]
        self.messages: AsyncCollection[Doc] = db["order_messages"]

    async def ensure_indexes(self) -> None:
        for c in (self.history, self.messages):
            await c.create_index([("order_id", ASCENDING), ("seq", ASCENDING)], unique=True)
        await self.history.create_index([("order_id", ASCENDING), ("request", ASCENDING)])

    async def put(self, order_id: str, spilled: Spill) -> None:
        await _put(self.history, order_id, spilled.history)
        await _put(self.messages, order_id, spilled.messages)

    async def made_by(self, order_id: str, request: str) -> bool:
        """Whether a stored-apart entry carries this request's slot."""
        found = await self.history.find_one(
            {"order_id": {"$eq": order_id}, "request": {"$eq": request}}, {"_id": 1}
        )
        return found is not None

    async def history_page(
        self, order: ServiceOrder, *, after: int, limit: int
    ) -> list[tuple[int, HistoryEntry]]:
        """Up to `limit` entries after sequence number `after`, oldest first: those stored apart
        up to the order's tail (all there: stored before the write that cut them), then the
        tail's own (an entry stored here past the order read is not shown)."""
        page: list[tuple[int, HistoryEntry]] = []
        if after < order.history_start:
            cursor = (
                self.history.find(
                    {
                        "order_id": {"$eq": order.id},
                        "seq": {"$gt": after, "$lte": order.history_start},
                    }
                )
                .sort("seq", ASCENDING)
                .limit(limit)
            )
            page = [(int(d["seq"]), _entry(d)) for d in await cursor.to_list()]
        start = max(after, order.history_start)
        for n in range(start + 1, history_total(order) + 1):
            if len(page) >= limit:
                break
            page.append((n, order.history[n - order.history_start - 1]))
        return page


def _entry(doc: Doc) -> HistoryEntry:
    return HistoryEntry.model_validate(
        {k: v for k, v in doc.items() if k not in ("_id", "order_id", "seq")}
    )
