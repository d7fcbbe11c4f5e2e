"""The outbox's side of the store: documents with messages pending, and marking them sent."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.documents import OUTBOX, PENDING, SINCE, VERSION


@dataclass
class Sent:
    """A document whose messages at `version` are all published, waiting to be marked sent."""

    collection: AsyncCollection[Doc]
    doc_id: str
    version: int
    ids: set[str]
    at: float


async def ensure_pending_index(collection: AsyncCollection[Doc]) -> None:
    await collection.create_index(PENDING)


async def oldest_pending(
    collection: AsyncCollection[Doc],
    *,
    limit: int,
    written_by: int | None = None,
    also: Collection[str] = (),
) -> list[Doc]:
    """Up to `limit` documents with messages pending, longest waiting first (outbox fields).

    With `written_by` (wall ms), only those last written by then, and the documents `also`
    names: the store filters, so that the documents a relay is publishing from memory are
    neither read nor sent over the wire again on every poll. Each part is its own query on the
    pending index, merged here: an `$or` sends the development store to a scan of the whole
    collection in Python (~110 ms at 4,000 orders, on every poll, growing with the orders)."""
    if written_by is None:
        return await _pending(collection, {}, limit)
    parts: list[Doc] = [{SINCE: {"$lte": written_by}}, {SINCE: {"$exists": False}}]
    if also:
        parts.append({"_id": {"$in": sorted(also)}})
    found: dict[object, Doc] = {}
    for docs in await asyncio.gather(*(_pending(collection, part, limit) for part in parts)):
        for doc in docs:
            found.setdefault(doc["_id"], doc)
    return sorted(found.values(), key=lambda d: int(d.get(SINCE) or 0))[:limit]


async def _pending(collection: AsyncCollection[Doc], where: Doc, limit: int) -> list[Doc]:
    query: Doc = {PENDING: {"$eq": True}, **where}
    return (
        await collection.find(query, {OUTBOX: 1, VERSION: 1, SINCE: 1})
        .sort(SINCE, ASCENDING)
        .limit(limit)
        .to_list()
    )


async def mark_sent(collection: AsyncCollection[Doc], group: list[Sent]) -> None:
    """Empty the outbox of each document still at the version published; a document written
    again since carries the messages that were sent: take out just those."""
    same = [
        UpdateOne(
            {"_id": {"$eq": s.doc_id}, VERSION: {"$eq": s.version}},
            {"$set": {OUTBOX: [], PENDING: False}},
        )
        for s in group
    ]
    result = await collection.bulk_write(same, ordered=False)
    if result.matched_count < len(same):
        await collection.bulk_write(
            [
                UpdateOne(
                    {"_id": {"$eq": s.doc_id}, VERSION: {"$ne": s.version}},
                    {"$pull": {OUTBOX: {"id": {"$in": sorted(s.ids)}}}},
                )
                for s in group
            ],
            ordered=False,
        )
