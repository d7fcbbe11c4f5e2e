"""The workbench's tab counts, kept as counters per seller and category on every order write.

Counting 10,000 orders per request is too slow on the development store, so each write moves
the order between tallies (`n_<STATUS>`, `responded`, `shipped`, `locked`) of the counter document
`<seller>|<category>`. The moves are summed in memory and written with one `$inc` per counter
document at most every `flush_after_s` (50 ms), not one per order write: a busy seller's counter
costs the store one write per interval. A read of the counts in this process writes what it holds
first, so it sees its own writes; another process sees them within the interval. The process
writes what it holds when it stops; one that dies loses at most an interval's moves, so the
counters are rebuilt from the orders when the collection is empty (a first start over existing
orders; drop it to recount, `python -m order_svc recount`). What depends on the time
(`due_within_24h`) is counted from the orders at each request, on an index.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any

import structlog
from aftersales_shared.persistence import Doc
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from order_svc.domain.model import Status
from order_svc.domain.order import ServiceOrder
from order_svc.ports import OrderQuery

log = structlog.get_logger(__name__)
FLAGS = ("responded", "shipped", "locked")
PROJECTION = {k: 1 for k in ("seller_id", "category", "status", "customer_responded")} | {
    "shipped": 1,
    "locked": 1,
}


def tallies(doc: Doc | None) -> set[str]:
    """The counters a stored order document adds one to."""
    if doc is None:
        return set()
    status = doc.get("status")
    out = {f"n_{status}"}
    if status == Status.PENDING_AUDIT and doc.get("customer_responded"):
        out.add("responded")
    if status == Status.AWAITING_RETURN and doc.get("shipped"):
        out.add("shipped")
    if doc.get("locked"):
        out.add("locked")
    return out


def counted(order: ServiceOrder) -> Doc:
    """What `tallies` reads, from the order (a cached version holds the order, not its doc)."""
    return {
        "status": order.status.value,
        "customer_responded": order.customer_responded,
        "shipped": order.shipment is not None,
        "locked": order.locked,
    }


def bucket(doc: Doc) -> str:
    return f"{doc['seller_id']}|{doc['category']}"


class OrderCounters:
    def __init__(
        self,
        counters: AsyncCollection[Doc],
        orders: AsyncCollection[Doc],
        *,
        flush_after_s: float = 0.05,
    ) -> None:
        self._c, self._orders = counters, orders
        self._flush_after_s = flush_after_s
        self._pending: dict[str, Counter[str]] = {}
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None

    async def ensure(self) -> None:
        """The index, and the counters rebuilt from the orders when there are none."""
        await self._c.create_index([("seller_id", ASCENDING), ("category", ASCENDING)])
        if await self._c.find_one({}, {"_id": 1}) is not None:
            return
        await self.recount()

    async def recount(self) -> int:
        """Every counter document computed again from the orders (operators: after a crash);
        the number of counter documents written."""
        await self.flush()
        sums: dict[str, Counter[str]] = {}
        async for doc in self._orders.find({}, PROJECTION):
            if "seller_id" in doc and "category" in doc:
                sums.setdefault(bucket(doc), Counter()).update(tallies(doc))
        await self._c.delete_many({})
        for key, counts in sums.items():
            await self._inc(key, dict(counts))
        return len(sums)

    async def moved(self, before: Doc | None, after: Doc) -> None:
        """One order written: from the tallies of its previous document to those of `after`,
        added to what the next flush writes."""
        old, new = tallies(before), tallies(after)
        change = {k: 1 for k in new - old} | {k: -1 for k in old - new}
        if not change:
            return
        self._pending.setdefault(bucket(after), Counter()).update(change)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self._flush_after_s)  # gathers the moves of an interval
        try:
            await self.flush()
        except Exception:
            log.exception("the workbench counters could not be written; trying again")
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def flush(self) -> None:
        """Write the moves held in memory, one `$inc` per counter document; what fails to be
        written is held again."""
        async with self._lock:
            pending, self._pending = self._pending, {}
            for n, (key, change) in enumerate(items := list(pending.items())):
                nonzero = {k: v for k, v in change.items() if v}
                try:
                    if nonzero:
                        await self._inc(key, nonzero)
                except BaseException:
                    for later, rest in items[n:]:
                        self._pending.setdefault(later, Counter()).update(rest)
                    raise

    async def close(self) -> None:
        """Write what is held (a graceful stop loses no move), then end the pending flush."""
        await self.flush()
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher

    async def _inc(self, key: str, change: dict[str, int]) -> None:
        seller, _, category = key.partition("|")
        await self._c.update_one(
            {"_id": key},
            {"$inc": change, "$set": {"seller_id": seller, "category": category}},
            upsert=True,
        )

    async def counts(self, query: OrderQuery) -> dict[str, Any]:
        """The sums over the query's scope (a seller, their staff member's categories, or all),
        with this process's own moves written first."""
        await self.flush()
        where: Doc = {}
        if query.seller_id is not None:
            where["seller_id"] = {"$eq": query.seller_id}
        if query.categories is not None:
            where["category"] = {"$in": sorted(query.categories)}
        total: Counter[str] = Counter()
        async for doc in self._c.find(where):
            total.update({k: int(v) for k, v in doc.items() if k.startswith("n_") or k in FLAGS})
        return {
            "by_status": {s.value: total[f"n_{s.value}"] for s in Status},
            "customer_responded": total["responded"],
            "shipped": total["shipped"],
            "locked": total["locked"],
        }
