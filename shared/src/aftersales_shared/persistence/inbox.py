"""The inbox: the ids of the messages a consumer handled, so a redelivery changes nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from aftersales_shared.persistence.client import Doc


class MongoInbox:
    """The ids of handled messages, one document each."""

    def __init__(self, collection: AsyncCollection[Doc], *, clock: Callable[[], datetime]) -> None:
        self._collection = collection
        self._now = clock

    async def seen(self, message_id: str) -> bool:
        return await self._collection.find_one({"_id": {"$eq": message_id}}, {"_id": 1}) is not None

    async def record(self, message_id: str) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one({"_id": message_id, "handled_at": self._now()})
