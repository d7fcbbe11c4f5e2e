"""Crashes mid-request, as the Idempotency-Key store is left by them (order-svc API tests)."""

from __future__ import annotations

import time
from typing import Any

from aftersales_shared.auth import Principal
from aftersales_shared.persistence import Doc
from aftersales_shared.persistence.idempotency import fingerprint, scope_of, slot_id
from order_svc.config import Settings
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection


def slots(client: AsyncMongoClient[Doc], settings: Settings) -> AsyncCollection[Doc]:
    return client[settings.mongo_db]["idempotency"]


async def crash_after_the_change(slots: AsyncCollection[Doc], what: str) -> None:
    """Leave the latest slot as a SIGKILL after the write leaves it: running, lease over."""
    latest = await slots.find({}).sort("at", -1).limit(1).to_list()
    result = await slots.update_one(
        {"_id": {"$eq": latest[0]["_id"]}, "state": {"$eq": "done"}},
        {
            "$set": {"state": "running", "lease_ms": int(time.time() * 1000) - 1},
            "$unset": {"status": ""},
        },
    )
    assert result.modified_count == 1, what


async def crash_before_the_change(
    slots: AsyncCollection[Doc], principal: Principal, route: str, key: str, body: Any
) -> None:
    """Leave a slot as a SIGKILL before any write leaves it: running, lease over."""
    await slots.insert_one(
        {
            "_id": slot_id(scope_of(principal, route), key),
            "fingerprint": fingerprint(body),
            "state": "running",
            "token": "dead",
            "lease_ms": int(time.time() * 1000) - 1,
        }
    )
