"""The delivery log and the per-phone rate windows in MongoDB (dev-store safe: `$eq`, int times)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from sms_svc.adapters.batching import Batcher
from sms_svc.adapters.message_docs import (
    delivery_fields,
    from_doc,
    from_ms,
    requeue_fields,
    to_doc,
    to_ms,
)
from sms_svc.domain.message import SmsMessage, Status
from sms_svc.domain.ratelimit import Admission, RateLimits, admit
from sms_svc.ports import MessageQuery


async def _find_many(collection: AsyncCollection[Doc], ids: list[str]) -> list[Doc | None]:
    found = {d["_id"]: d for d in await collection.find({"_id": {"$in": ids}}).to_list()}
    return [found.get(i) for i in ids]


async def _insert_many(collection: AsyncCollection[Doc], docs: list[Doc]) -> list[bool]:
    """Insert what is new; per document, False when its `_id` existed already."""
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != 11000 for e in errors):
            raise
        duplicates = {int(e["index"]) for e in errors}
        return [i not in duplicates for i in range(len(docs))]
    return [True] * len(docs)


class MessageLog:
    """One document per message, `_id` derived from its idempotency key (see `message_docs`).

    The hot path (get, insert, finish) is micro-batched: one round trip for many messages.
    """

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection
        self._gets: Batcher[str, Doc | None] = Batcher(lambda ids: _find_many(collection, ids))
        self._inserts: Batcher[Doc, bool] = Batcher(lambda docs: _insert_many(collection, docs))
        self._finishes: Batcher[tuple[str, Doc], None] = Batcher(self._finish_many)

    async def ensure_indexes(self) -> None:
        for field in ("status", "order_id", "phone", "seller_id", "template"):
            await self._c.create_index([(field, ASCENDING)])
        await self._c.create_index([("created_at_ms", DESCENDING)])

    async def insert(self, message: SmsMessage) -> bool:
        """Record a new message; False if one with this id exists already."""
        return await self._inserts.submit(to_doc(message))

    async def get(self, message_id: str) -> SmsMessage | None:
        doc = await self._gets.submit(message_id)
        return None if doc is None else from_doc(doc)

    async def claim(self, message_id: str, *, now: datetime, lease: timedelta) -> SmsMessage | None:
        """Take a QUEUED message whose lease has run out; None if it is not there to take."""
        now_ms = to_ms(now)
        doc = await self._c.find_one_and_update(
            {
                "_id": {"$eq": message_id},
                "status": {"$eq": Status.QUEUED.value},
                "lease_until_ms": {"$lt": now_ms},
            },
            {"$set": {"lease_until_ms": to_ms(now + lease), "updated_at_ms": now_ms}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else from_doc(doc)

    async def finish(self, message: SmsMessage) -> None:
        """Leave QUEUED for the delivery's outcome (nothing if it is no longer QUEUED)."""
        await self._finishes.submit((message.id, delivery_fields(message)))

    async def _finish_many(self, items: list[tuple[str, Doc]]) -> list[None]:
        await self._c.bulk_write(
            [
                UpdateOne(
                    {"_id": {"$eq": mid}, "status": {"$eq": Status.QUEUED.value}},
                    {"$set": changes},
                )
                for mid, changes in items
            ],
            ordered=False,
        )
        return [None] * len(items)

    async def requeue(self, message: SmsMessage) -> bool:
        """FAILED → QUEUED for an operator's retry; False if it was not FAILED."""
        result = await self._c.update_one(
            {"_id": {"$eq": message.id}, "status": {"$eq": Status.FAILED.value}},
            {"$set": requeue_fields(message)},
        )
        return result.matched_count == 1

    async def stale(self, *, now: datetime, limit: int) -> list[str]:
        """Ids of QUEUED messages nobody is delivering (a crash, or an operator's retry)."""
        cursor = self._c.find(
            {"status": {"$eq": Status.QUEUED.value}, "lease_until_ms": {"$lt": to_ms(now)}},
            {"_id": 1},
        ).limit(limit)
        return [str(doc["_id"]) for doc in await cursor.to_list()]

    async def held(self, *, limit: int) -> list[SmsMessage]:
        """HELD messages (seller-bound, waiting for a digest), oldest first."""
        cursor = self._c.find({"status": {"$eq": Status.HELD.value}})
        cursor = cursor.sort([("created_at_ms", ASCENDING), ("_id", ASCENDING)])
        return [from_doc(doc) for doc in await cursor.limit(limit).to_list()]

    async def mark_digested(self, ids: list[str], *, digest_id: str, now: datetime) -> None:
        """HELD → DIGESTED for the members of a digest (those still HELD)."""
        await self._c.update_many(
            {"_id": {"$in": ids}, "status": {"$eq": Status.HELD.value}},
            {
                "$set": {
                    "status": Status.DIGESTED.value,
                    "digest_id": digest_id,
                    "updated_at_ms": to_ms(now),
                }
            },
        )

    async def search(self, query: MessageQuery) -> list[SmsMessage]:
        """Newest first; `after` is the (created_at, id) of the last item of the page before."""
        clauses: list[Doc] = [{k: {"$eq": v}} for k, v in query.filters.items()]
        if query.categories is not None:
            clauses.append({"category": {"$in": sorted(query.categories)}})
        if query.after is not None:
            at, last = to_ms(query.after[0]), query.after[1]
            clauses.append(
                {
                    "$or": [
                        {"created_at_ms": {"$lt": at}},
                        {"created_at_ms": {"$eq": at}, "_id": {"$lt": last}},
                    ]
                }
            )
        found: Doc = {"$and": clauses} if clauses else {}
        cursor = self._c.find(found).sort([("created_at_ms", DESCENDING), ("_id", DESCENDING)])
        return [from_doc(doc) for doc in await cursor.limit(query.limit).to_list()]


class RateWindows:
    """Per phone: the (time, message id) of admitted messages in the last day, compare-and-set."""

    def __init__(self, collection: AsyncCollection[Doc], *, limits: RateLimits) -> None:
        self._c = collection
        self._limits = limits
        self._gets: Batcher[str, Doc | None] = Batcher(lambda ids: _find_many(collection, ids))
        self._inserts: Batcher[Doc, bool] = Batcher(lambda docs: _insert_many(collection, docs))

    async def admit(self, phone: str, *, key: str, now: datetime) -> Admission:
        """Apply the rate limit for one message; concurrent admissions retry on a lost race."""
        for _ in range(50):
            doc = await self._gets.submit(phone)
            version = int(doc["_v"]) if doc else 0
            stored = (doc or {}).get("entries", [])
            entries = tuple((from_ms(int(e["t"])), str(e["k"])) for e in stored)
            verdict = admit(entries=entries, key=key, now=now, limits=self._limits)
            if verdict.entries == entries:
                return verdict
            new = {
                "_id": phone,
                "_v": version + 1,
                "entries": [{"t": to_ms(t), "k": k} for t, k in verdict.entries],
            }
            if doc is None:
                if await self._inserts.submit(new):
                    return verdict
                continue
            result = await self._c.replace_one({"_id": {"$eq": phone}, "_v": {"$eq": version}}, new)
            if result.matched_count == 1:
                return verdict
        raise RuntimeError("rate window for one phone too contended")
