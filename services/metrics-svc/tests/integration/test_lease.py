"""The active-process lease in the store: one holder, taken over after expiry, fenced writes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aftersales_shared.persistence import Doc, connect_mongo
from metrics_svc.adapters.lease import Lease, LeaseLost
from pymongo.asynchronous.collection import AsyncCollection

pytestmark = pytest.mark.integration


class Wall:
    """A wall clock the test moves (epoch ms)."""

    def __init__(self) -> None:
        self.ms = 1_800_000_000_000

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
async def leases(mongo_url: str, unique: str) -> AsyncIterator[AsyncCollection[Doc]]:
    client = connect_mongo(mongo_url)
    yield client[f"l{unique}"]["lease"]
    await client.drop_database(f"l{unique}")
    await client.close()


async def test_one_holder_then_the_other_after_expiry(leases: AsyncCollection[Doc]) -> None:
    wall = Wall()
    a = Lease(leases, owner="a", ttl_s=5, now_ms=wall)
    b = Lease(leases, owner="b", ttl_s=5, now_ms=wall)
    assert await a.try_acquire()
    assert a.held()
    a.check()
    assert not await b.try_acquire()
    assert not b.held()
    with pytest.raises(LeaseLost):
        b.check()
    wall.ms += 4_000
    assert await a.renew()
    wall.ms += 4_000
    assert not await b.try_acquire()  # renewed: not expired yet
    wall.ms += 1_001
    assert await b.try_acquire()
    assert not await a.renew()  # taken over: a must step down
    doc = await leases.find_one({"_id": "active"})
    assert doc is not None
    assert doc["owner"] == "b"


async def test_a_released_lease_is_taken_at_once(leases: AsyncCollection[Doc]) -> None:
    wall = Wall()
    a = Lease(leases, owner="a", ttl_s=5, now_ms=wall)
    b = Lease(leases, owner="b", ttl_s=5, now_ms=wall)
    assert await a.try_acquire()
    await a.release()
    assert not a.held()
    assert await b.try_acquire()
    await a.release()  # not a's any more: changes nothing
    assert not await a.try_acquire()
