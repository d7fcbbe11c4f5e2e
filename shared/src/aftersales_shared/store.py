"""MongoDB through PyMongo's async API: one write per change (document + outbox), relay, inbox."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from aftersales_shared.background import Periodic
from aftersales_shared.bus import Bus
from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import AppError, ConcurrencyConflict, Conflict, Invalid
from aftersales_shared.metrics import OUTBOX_PENDING

log = structlog.get_logger(__name__)

Doc = dict[str, Any]
VERSION = "_v"
OUTBOX = "_outbox"
PENDING = "_outbox_pending"


def connect_mongo(url: str) -> AsyncMongoClient[Doc]:
    """A client that returns aware UTC datetimes; no I/O until first use."""
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=5000, connect=False)


async def ping(db: AsyncDatabase[Doc], *, timeout_s: float = 2.0) -> bool:
    """True when the database answers within the timeout."""
    try:
        await asyncio.wait_for(db.command("ping"), timeout_s)
    except (PyMongoError, TimeoutError):
        return False
    return True


@dataclass
class Versioned:
    """A stored document, the version it was read at, and its unpublished messages."""

    data: Doc
    version: int
    outbox: list[Doc] = field(default_factory=list)


class VersionedCollection:
    """Compare-and-set writes where the document and the messages it produces are one write."""

    def __init__(self, collection: AsyncCollection[Doc], *, on_write: Callable[[], None]) -> None:
        self.collection = collection
        self._on_write = on_write

    async def get(self, doc_id: str) -> Versioned | None:
        raw = await self.collection.find_one({"_id": {"$eq": doc_id}})
        return None if raw is None else _split(raw)

    async def insert(self, data: Doc, *, messages: Sequence[Envelope] = ()) -> Versioned:
        """Store a new document at version 1; DuplicateKeyError becomes Conflict."""
        outbox = [_dump(m) for m in messages]
        try:
            await self.collection.insert_one(
                {**data, VERSION: 1, OUTBOX: outbox, PENDING: bool(outbox)}
            )
        except DuplicateKeyError as exc:
            raise Conflict("it exists already", key=str(exc.details)) from exc
        if outbox:
            self._on_write()
        return Versioned(data=data, version=1, outbox=outbox)

    async def save(
        self, current: Versioned, data: Doc, *, messages: Sequence[Envelope] = ()
    ) -> Versioned:
        """Replace `current` with `data` only if nobody wrote since it was read."""
        outbox = [*current.outbox, *(_dump(m) for m in messages)]
        version = current.version + 1
        result = await self.collection.replace_one(
            {"_id": {"$eq": data["_id"]}, VERSION: {"$eq": current.version}},
            {**data, VERSION: version, OUTBOX: outbox, PENDING: bool(outbox)},
        )
        if result.matched_count == 0:
            raise ConcurrencyConflict(
                "someone else changed this at the same time; read it again and retry"
            )
        if outbox:
            self._on_write()
        return Versioned(data=data, version=version, outbox=outbox)


def _dump(message: Envelope) -> Doc:
    return message.model_dump(mode="python")


def _split(raw: Doc) -> Versioned:
    version = int(raw.pop(VERSION, 0))
    outbox = list(raw.pop(OUTBOX, []) or [])
    raw.pop(PENDING, None)
    return Versioned(data=raw, version=version, outbox=outbox)


class OutboxRelay:
    """Publishes the pending messages of documents, with confirms, then marks them sent."""

    def __init__(self, bus: Bus, *, poll_s: float = 1.0, batch: int = 200) -> None:
        self._collections: list[AsyncCollection[Doc]] = []
        self._bus = bus
        self._batch = batch
        self._loop = Periodic(self._round, interval_s=poll_s, name="outbox-relay")

    def add(self, collection: AsyncCollection[Doc]) -> None:
        """Publish the pending messages of this collection's documents too."""
        self._collections.append(collection)

    async def ensure_indexes(self) -> None:
        for collection in self._collections:
            await collection.create_index(PENDING)

    def notify(self) -> None:
        """Something was written: publish soon, not at the next poll."""
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        with contextlib.suppress(Exception):
            await self.drain_once()

    async def _round(self) -> bool:
        published, failed = await self.drain_once()
        return bool(published) and not failed

    async def drain_once(self) -> tuple[int, int]:
        """One round over every collection: (messages published, messages that failed)."""
        published = failed = 0
        for collection in self._collections:
            docs = (
                await collection.find({PENDING: {"$eq": True}}, {OUTBOX: 1, VERSION: 1})
                .limit(self._batch)
                .to_list()
            )
            OUTBOX_PENDING.set(len(docs))
            results = await asyncio.gather(*(self._publish_doc(d) for d in docs))
            marks: list[UpdateOne] = []
            for ok, bad, doc_marks in results:
                published += ok
                failed += bad
                marks.extend(doc_marks)
            if marks:
                await collection.bulk_write(marks, ordered=True)
        return published, failed

    async def _publish_doc(self, doc: Doc) -> tuple[int, int, list[UpdateOne]]:
        """Publish a document's messages pipelined; return the writes that mark them sent."""
        pending = [Envelope.model_validate(raw) for raw in doc.get(OUTBOX) or []]
        results = await self._bus.publish_many(pending)
        sent = [m.id for m, error in zip(pending, results, strict=True) if error is None]
        for message, error in zip(pending, results, strict=True):
            if error is not None:
                log.error("outbox message not published", type=message.type, error=repr(error))
        failed = len(pending) - len(sent)
        same_id = {"_id": {"$eq": doc["_id"]}}
        pull = {"$pull": {OUTBOX: {"id": {"$in": sent}}}}
        if failed:
            return len(sent), failed, [UpdateOne(same_id, pull)] if sent else []
        # All sent: clear the outbox if nobody wrote since we read it; if somebody did, their
        # write carried our messages over, so take out just the ones we sent.
        return (
            len(sent),
            0,
            [
                UpdateOne(
                    {**same_id, VERSION: {"$eq": doc[VERSION]}},
                    {"$set": {OUTBOX: [], PENDING: False}},
                ),
                UpdateOne({**same_id, VERSION: {"$ne": doc[VERSION]}}, pull),
            ],
        )


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


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


class IdempotencyStore:
    """Remembers the answer to each (caller, route, Idempotency-Key) so a retry gets it again."""

    def __init__(self, collection: AsyncCollection[Doc], *, clock: Callable[[], datetime]) -> None:
        self._collection = collection
        self._now = clock

    async def run(
        self,
        *,
        scope: str,
        key: str | None,
        request_body: Any,
        action: Callable[[], Awaitable[StoredResponse]],
    ) -> StoredResponse:
        """Run `action` once per key; a repeat with the same body replays the first answer."""
        if key is None:
            return await action()
        if not 1 <= len(key) <= 200:
            raise Invalid("Idempotency-Key must be 1 to 200 characters")
        fingerprint = hashlib.sha256(
            json.dumps(request_body, sort_keys=True, default=str).encode()
        ).hexdigest()
        slot = f"{scope}|{key}"
        try:
            await self._collection.insert_one(
                {"_id": slot, "fingerprint": fingerprint, "state": "running", "at": self._now()}
            )
        except DuplicateKeyError:
            return await self._replay(slot, fingerprint)
        try:
            response = await action()
        except AppError as exc:
            response = StoredResponse(
                status=exc.status,
                body={"error": {"code": exc.code, "message": exc.message, **exc.details}},
            )
        except BaseException:
            await self._collection.delete_one({"_id": {"$eq": slot}})
            raise
        await self._collection.replace_one(
            {"_id": {"$eq": slot}},
            {
                "_id": slot,
                "fingerprint": fingerprint,
                "state": "done",
                "status": response.status,
                "body": json.dumps(response.body, default=str),
                "at": self._now(),
            },
        )
        return response

    async def _replay(self, slot: str, fingerprint: str) -> StoredResponse:
        stored = await self._collection.find_one({"_id": {"$eq": slot}})
        if stored is None or stored.get("state") != "done":
            raise Conflict("a request with this Idempotency-Key is still being handled")
        if stored["fingerprint"] != fingerprint:
            raise Invalid("this Idempotency-Key was used with a different request body")
        return StoredResponse(status=int(stored["status"]), body=json.loads(stored["body"]))
