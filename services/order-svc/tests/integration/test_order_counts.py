"""The workbench counters: moves summed in memory and written together, read back exactly by
this process, written on a graceful stop, written by the timer without a read, and rebuilt from
the orders by `recount`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aftersales_shared.persistence import Doc, connect_mongo
from aftersales_testkit import eventually
from order_svc.adapters.order_counts import OrderCounters
from order_svc.ports import OrderQuery
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration
HOUR = 3600.0


@pytest.fixture
async def db(mongo_url: str, unique: str) -> AsyncIterator[AsyncDatabase[Doc]]:
    client = connect_mongo(mongo_url)
    yield client[f"counts_{unique}"]
    await client.drop_database(f"counts_{unique}")
    await client.close()


def order(status: str, **flags: Any) -> Doc:
    return {"seller_id": "s1", "category": "phones", "status": status} | flags


async def stored(db: AsyncDatabase[Doc]) -> dict[str, int]:
    doc = await db["order_counts"].find_one({"_id": {"$eq": "s1|phones"}})
    return {} if doc is None else {k: int(v) for k, v in doc.items() if k.startswith("n_")}


async def test_many_moves_cost_one_write_and_are_read_back_exactly(
    db: AsyncDatabase[Doc],
) -> None:
    counters = OrderCounters(db["order_counts"], db["service_orders"], flush_after_s=HOUR)
    for _ in range(30):
        await counters.moved(None, order("PENDING_CLAIM"))
    for _ in range(10):
        await counters.moved(order("PENDING_CLAIM"), order("PENDING_AUDIT"))
    assert await stored(db) == {}, "held in memory until the interval ends or a read"
    counts = await counters.counts(OrderQuery(seller_id="s1"))
    assert counts["by_status"]["PENDING_CLAIM"] == 20
    assert counts["by_status"]["PENDING_AUDIT"] == 10
    assert await stored(db) == {"n_PENDING_CLAIM": 20, "n_PENDING_AUDIT": 10}
    await counters.close()


async def test_a_graceful_stop_writes_what_is_held(db: AsyncDatabase[Doc]) -> None:
    counters = OrderCounters(db["order_counts"], db["service_orders"], flush_after_s=HOUR)
    await counters.moved(None, order("PENDING_CLAIM"))
    await counters.moved(None, order("PENDING_CLAIM", locked=True))
    await counters.close()
    assert await stored(db) == {"n_PENDING_CLAIM": 2}
    doc = await db["order_counts"].find_one({"_id": {"$eq": "s1|phones"}})
    assert doc is not None
    assert doc["locked"] == 1


async def test_the_interval_writes_without_a_read(db: AsyncDatabase[Doc]) -> None:
    counters = OrderCounters(db["order_counts"], db["service_orders"], flush_after_s=0.05)
    await counters.moved(None, order("PENDING_CLAIM"))
    await counters.moved(order("PENDING_CLAIM"), order("PENDING_AUDIT"))

    async def written() -> bool:
        return await stored(db) == {"n_PENDING_AUDIT": 1}

    await eventually(written, what="the counters written by the interval")
    await counters.close()


async def test_recount_rebuilds_the_counters_from_the_orders(db: AsyncDatabase[Doc]) -> None:
    await db["service_orders"].insert_many(
        [order("PENDING_CLAIM"), order("PENDING_CLAIM"), order("AWAITING_RETURN", shipped=True)]
    )
    counters = OrderCounters(db["order_counts"], db["service_orders"], flush_after_s=HOUR)
    await counters.ensure()  # an empty collection: counted from the orders
    assert await stored(db) == {"n_PENDING_CLAIM": 2, "n_AWAITING_RETURN": 1}
    await db["order_counts"].update_one({"_id": "s1|phones"}, {"$inc": {"n_PENDING_CLAIM": 5}})
    assert await counters.recount() == 1
    counts = await counters.counts(OrderQuery(seller_id="s1"))
    assert counts["by_status"]["PENDING_CLAIM"] == 2, "the drift is gone"
    assert counts["shipped"] == 1
    await counters.close()
