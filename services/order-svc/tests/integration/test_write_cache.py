"""The write cache keeps the orders still under way; a write that makes an order final drops it,
so a long run's memory stays flat (a later command on it reads the store)."""

from __future__ import annotations

from aftersales_shared.persistence import Doc, VersionedCollection
from order_builders import new_order
from order_svc.adapters.mongo import MongoOrders
from order_svc.domain.model import Status
from pymongo.asynchronous.database import AsyncDatabase


async def behind_its_back(db: AsyncDatabase[Doc], order_id: str) -> None:
    """Another process's write: the store moves on, this process's memory does not."""
    await db["service_orders"].update_one(
        {"_id": order_id}, {"$inc": {"_v": 1}, "$set": {"receipt_note": "elsewhere"}}
    )


async def test_an_order_under_way_is_answered_from_memory_a_final_one_from_the_store(
    db: AsyncDatabase[Doc],
) -> None:
    orders = MongoOrders(VersionedCollection(db["service_orders"], cache_size=10))
    live, done = new_order("so-live"), new_order("so-done")
    for o in (live, done):
        await orders.add(o, [])
        found = await orders.get_for_update(o.id)
        assert found is not None
        claimed = o.model_copy(update={"status": Status.PENDING_AUDIT})
        final = o.model_copy(update={"status": Status.COMPLETED})
        await orders.save(found[1], claimed if o is live else final, [])
        await behind_its_back(db, o.id)

    cached = await orders.get_for_update("so-live")
    assert cached is not None
    assert (cached[1].version, cached[0].receipt_note) == (2, None), "memory: its own write"
    stored = await orders.get_for_update("so-done")
    assert stored is not None
    assert (stored[1].version, stored[0].receipt_note) == (3, "elsewhere"), "read again"
    assert stored[0].status is Status.COMPLETED
