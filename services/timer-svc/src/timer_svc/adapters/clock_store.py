"""The virtual clock's offset, kept in timer-svc's database so a restart does not rewind it."""

from __future__ import annotations

from datetime import timedelta

from aftersales_shared.persistence import Doc
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

_ID = "virtual"


class MongoClockStore:
    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._collection = collection

    async def load(self) -> timedelta:
        doc = await self._collection.find_one({"_id": {"$eq": _ID}})
        return timedelta(seconds=float(doc["offset_seconds"])) if doc else timedelta(0)

    async def advance(self, seconds: float) -> timedelta:
        """Add to the stored offset atomically (several replicas may advance) and return it."""
        doc = await self._collection.find_one_and_update(
            {"_id": {"$eq": _ID}},
            {"$inc": {"offset_seconds": seconds}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        return timedelta(seconds=float(doc["offset_seconds"]))
