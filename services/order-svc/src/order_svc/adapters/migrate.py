"""One-off commands for operators: the move of orders stored in the old shape (their whole
history and messages inside the document) to the bounded one, `python -m order_svc
migrate-history`; the workbench counters computed again from the orders, `... recount`."""

from __future__ import annotations

from aftersales_shared.errors import ConcurrencyConflict
from aftersales_shared.persistence import VersionedCollection, connect_mongo
from pymongo import ASCENDING

from order_svc.adapters.mongo import MongoOrders

PAGE = 100
RETRIES = 5


async def compact(orders: MongoOrders, order_id: str) -> bool:
    """Rewrite one order if a tail of it is longer than the bound (what its next write does)."""
    for _ in range(RETRIES):
        found = await orders.get(order_id)
        if found is None or not orders.overlong(found[0]):
            return False
        try:  # a compare-and-set like any write: a command meanwhile wins, and this reads again
            await orders.save(found[1], found[0], ())
        except ConcurrencyConflict:
            continue
        return True
    raise ConcurrencyConflict(f"order {order_id} kept changing; run the command again")


async def migrate_history(orders: MongoOrders) -> int:
    """Every order, in id order, a page at a time; how many were rewritten."""
    moved, after = 0, ""
    while True:
        page = (
            await orders.collection.find({"_id": {"$gt": after}}, {"_id": 1})
            .sort("_id", ASCENDING)
            .limit(PAGE)
            .to_list()
        )
        if not page:
            return moved
        for doc in page:
            moved += await compact(orders, str(doc["_id"]))
        after = str(page[-1]["_id"])


async def run(*, mongo_url: str, db: str, keep: int) -> int:
    """The command's work on the service's database; its messages stay for the service's relay."""
    client = connect_mongo(mongo_url)
    orders = MongoOrders(VersionedCollection(client[db]["service_orders"]), keep=keep)
    try:
        await orders.ensure_indexes()
        return await migrate_history(orders)
    finally:
        await orders.close()
        await client.close()


async def recount(*, mongo_url: str, db: str) -> int:
    """The workbench counters rebuilt from the orders; how many counter documents were written.
    (Moves that running services hold in memory are written on top within 50 ms.)"""
    client = connect_mongo(mongo_url)
    orders = MongoOrders(VersionedCollection(client[db]["service_orders"]))
    try:
        return await orders.recount()
    finally:
        await orders.close()
        await client.close()
