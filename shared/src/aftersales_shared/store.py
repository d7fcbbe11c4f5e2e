"""MongoDB through PyMongo's async API: one write per change (document + outbox), relay, inbox."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pymongo
import structlog
from cachetools import LRUCache
from pymongo import ASCENDING, AsyncMongoClient, UpdateOne, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from aftersales_shared.background import Periodic
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.stored import stored_form
from aftersales_shared.errors import ConcurrencyConflict, Conflict
from aftersales_shared.idempotency import IdempotencyStore as IdempotencyStore
from aftersales_shared.idempotency import StoredResponse as StoredResponse
from aftersales_shared.metrics import OUTBOX_PENDING, STORE_COMMANDS
from aftersales_shared.ports import Publisher

log = structlog.get_logger(__name__)

Doc = dict[str, Any]
VERSION = "_v"
OUTBOX = "_outbox"
PENDING = "_outbox_pending"
SINCE = "_outbox_at"
MAX_REMEMBERED_FAILURES = 10_000
MAX_BACKOFF_S = 5.0
PING_TIMEOUT_S = 0.5
_PINGS: set[asyncio.Task[bool]] = set()


class _CountCommands(monitoring.CommandListener):
    """Counts every command sent to the store (`store_commands_total`), by name."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        STORE_COMMANDS.labels(command=event.command_name).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


SERVER_SELECTION_TIMEOUT_MS = 2000
"""A request fails (503) this soon when no store answers, instead of hanging ~11 s."""


def connect_mongo(url: str) -> AsyncMongoClient[Doc]:
    """A client that returns aware UTC datetimes; no I/O until first use."""
    return AsyncMongoClient(
        url,
        tz_aware=True,
        serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS,
        connect=False,
        event_listeners=[_CountCommands()],
    )


async def ping(db: AsyncDatabase[Doc], *, timeout_s: float = PING_TIMEOUT_S) -> bool:
    """True when the database answers within the timeout.

    Never a cancellation: cancelling PyMongo mid-operation (as `asyncio.wait_for` does) can
    leave its internal locks broken ("Lock is not acquired") and the client wedged. The ping
    runs under the driver's own timeout; an answer later than `timeout_s` is not waited for
    (the driver checks its deadline only now and then), the ping ends on its own soon after.
    """
    with pymongo.timeout(timeout_s):  # the task inherits the driver's deadline
        task = asyncio.ensure_future(_ping(db))
    _PINGS.add(task)  # held until it ends: the loop keeps only a weak reference
    task.add_done_callback(_PINGS.discard)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    return task in done and task.result()


async def _ping(db: AsyncDatabase[Doc]) -> bool:
    try:
        await db.command("ping")
    except PyMongoError:
        return False
    return True


@dataclass
class Versioned:
    """A stored document, the version it was read at, and its unpublished messages."""

    data: Doc
    version: int
    outbox: list[Doc] = field(default_factory=list)
    parsed: Any = None
    """The adapter's domain object made from `data`, kept with it in the write cache."""


@dataclass(frozen=True)
class Written:
    """A write that carries messages: the relay publishes them at once, from memory."""

    source: VersionedCollection
    doc_id: str
    version: int
    outbox: list[Doc]


class VersionedCollection:
    """Compare-and-set writes where the document and the messages it produces are one write.

    With `cache_size`, the versions this process last read or wrote are kept (least recently
    used dropped first) so that a command can skip its read: `get_for_update` answers from
    memory and the compare-and-set still refuses a write over a version it did not see.
    """

    def __init__(
        self,
        collection: AsyncCollection[Doc],
        *,
        on_write: Callable[[Written], None] | None = None,
        cache_size: int = 0,
    ) -> None:
        self.collection = collection
        self._on_write = on_write
        self._cache: LRUCache[str, Versioned] | None = (
            LRUCache(maxsize=cache_size) if cache_size > 0 else None
        )

    async def get(self, doc_id: str) -> Versioned | None:
        """The stored document, read now (and remembered for `get_for_update`)."""
        raw = await self.collection.find_one({"_id": {"$eq": doc_id}})
        if raw is None:
            if self._cache is not None:
                self._cache.pop(doc_id, None)
            return None
        return self._remember(doc_id, _split(raw))

    async def get_for_update(self, doc_id: str) -> Versioned | None:
        """The version this process last read or wrote, else the stored one.

        It may be stale when another process wrote since: `save` then raises
        ConcurrencyConflict, and `get` reads the new version.
        """
        if self._cache is not None and (hit := self._cache.get(doc_id)) is not None:
            return hit
        return await self.get(doc_id)

    async def insert(self, data: Doc, *, messages: Sequence[Envelope] = ()) -> Versioned:
        """Store a new document at version 1; DuplicateKeyError becomes Conflict."""
        outbox = [_dump(m) for m in messages]
        try:
            await self.collection.insert_one({**data, **_stamp(1, outbox)})
        except DuplicateKeyError as exc:
            # the driver's details name the store's internals (index, engine message): not shown
            raise Conflict(f"{data['_id']} exists already", id=str(data["_id"])) from exc
        return self._written(Versioned(data=data, version=1, outbox=outbox))

    async def save(
        self, current: Versioned, data: Doc, *, messages: Sequence[Envelope] = ()
    ) -> Versioned:
        """Replace `current` with `data` only if nobody wrote since it was read."""
        outbox = [*current.outbox, *(_dump(m) for m in messages)]
        version = current.version + 1
        result = await self.collection.replace_one(
            {"_id": {"$eq": data["_id"]}, VERSION: {"$eq": current.version}},
            {**data, **_stamp(version, outbox)},
        )
        if result.matched_count == 0:
            if self._cache is not None:
                self._cache.pop(str(data["_id"]), None)
            raise ConcurrencyConflict(
                "someone else changed this at the same time; read it again and retry"
            )
        return self._written(Versioned(data=data, version=version, outbox=outbox))

    def remember_parsed(self, doc_id: str, version: int, parsed: Any) -> None:
        """Keep the adapter's domain object in place of the cached version's raw data (half the
        memory): `get_for_update` then answers with `parsed` set and `data` holding `_id` only."""
        if self._cache is not None:
            hit = self._cache.get(doc_id)
            if hit is not None and hit.version == version:
                self._cache[doc_id] = replace(hit, data={"_id": doc_id}, parsed=parsed)

    def sent(self, doc_id: str, version: int, ids: set[str]) -> None:
        """The relay published these messages of `version`: the next write need not carry them."""
        if self._cache is None:
            return
        hit = self._cache.get(doc_id)
        if hit is not None and hit.version == version:
            outbox = [m for m in hit.outbox if m["id"] not in ids]
            self._cache[doc_id] = replace(hit, outbox=outbox)

    def _remember(self, doc_id: str, current: Versioned) -> Versioned:
        """Keep `current` for `get_for_update`, unless this process knows a newer version: a
        read can leave the store before a write of this process and come back after it."""
        if self._cache is not None:
            hit = self._cache.get(doc_id)
            if hit is None or hit.version <= current.version:
                self._cache[doc_id] = current
        return current

    def _written(self, current: Versioned) -> Versioned:
        doc_id = str(current.data["_id"])
        self._remember(doc_id, current)
        if current.outbox and self._on_write is not None:
            self._on_write(Written(self, doc_id, current.version, current.outbox))
        return current


def _stamp(version: int, outbox: list[Doc]) -> Doc:
    """The bookkeeping fields of a write: version, messages, and since when they wait."""
    return {VERSION: version, OUTBOX: outbox, PENDING: bool(outbox), SINCE: _wall_ms()}


def _wall_ms() -> int:
    return int(time.time() * 1000)


def _dump(message: Envelope) -> Doc:
    """A message as the outbox keeps it: the body serialized once, at the write."""
    return stored_form(message)


def _publishable(stored: Doc) -> Doc:
    """An outbox entry with its body (entries written before bodies were kept are whole)."""
    return stored if "body" in stored else _dump(Envelope.model_validate(stored))


def _split(raw: Doc) -> Versioned:
    version = int(raw.pop(VERSION, 0))
    outbox = list(raw.pop(OUTBOX, []) or [])
    raw.pop(PENDING, None)
    raw.pop(SINCE, None)
    return Versioned(data=raw, version=version, outbox=outbox)


@dataclass
class _Sent:
    """A document whose messages at `version` are all published, waiting to be marked sent."""

    collection: AsyncCollection[Doc]
    doc_id: str
    version: int
    ids: set[str]
    at: float


@dataclass
class _Plan:
    collection: AsyncCollection[Doc]
    source: VersionedCollection | None
    doc_id: str
    version: int
    outbox: list[Doc]
    done: set[str]
    todo: list[Doc]


class OutboxRelay:
    """Publishes the messages stored with each write, with confirms, then marks them sent.

    Two ways in. A write made by this process is handed over in memory (`written`) and
    published at once, without reading it back. Every `poll_s` the relay also reads what is
    still pending in the store and older than `grace_s` (a process that died after its write,
    a message the broker refused) and publishes that.

    Marking is deferred by `mark_delay_s`: if the document is written again meanwhile, that
    write already dropped the published messages (they leave the write cache as they are
    published) and one mark, or none, serves several writes. A crash before the mark means the
    messages go out again after the restart: at least once, as the consumers' inboxes expect.
    """

    def __init__(
        self,
        bus: Publisher,
        *,
        poll_s: float = 1.0,
        batch: int = 200,
        mark_delay_s: float = 0.5,
        grace_s: float = 5.0,
        round_messages: int = 1000,
        max_fresh: int = 5000,
    ) -> None:
        self._collections: list[AsyncCollection[Doc]] = []
        self._bus = bus
        self._batch = batch
        self._round_messages = round_messages
        self._max_fresh = max_fresh
        self._backoff = 0.0
        self._poll_s = poll_s
        self._mark_delay = mark_delay_s
        self._grace_ms = int(grace_s * 1000)
        self._fresh: dict[tuple[str, str], Written] = {}
        self._sent: dict[tuple[str, str], _Sent] = {}
        self._failed: set[tuple[str, str]] = set()
        """Writes of this process the broker refused: the next poll retries them at once."""
        self._polled_at = 0.0
        self._more_stored = False
        self._loop = Periodic(
            self._round, interval_s=min(poll_s, mark_delay_s), name="outbox-relay"
        )

    def add(self, collection: AsyncCollection[Doc]) -> None:
        """Publish the pending messages of this collection's documents too."""
        self._collections.append(collection)

    async def ensure_indexes(self) -> None:
        for collection in self._collections:
            await collection.create_index(PENDING)

    def written(self, write: Written) -> None:
        """A write of this process carries messages: publish them soon, from memory.

        When the broker falls behind and `max_fresh` documents wait already, a new one is left
        to the store's poll (after the grace period): memory stays bounded, nothing is lost.
        """
        key = (write.source.collection.full_name, write.doc_id)
        known = self._fresh.get(key)
        if known is None and len(self._fresh) >= self._max_fresh:
            return
        if known is None or known.version < write.version:
            self._fresh[key] = write
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        with contextlib.suppress(Exception):
            await self.drain_once()

    async def _round(self) -> bool:
        now = time.monotonic()
        poll = now - self._polled_at >= self._poll_s
        if poll:
            self._polled_at = now
        published, failed = await self._publish(poll=poll, grace_ms=self._grace_ms)
        await self._mark(older_than=now - self._mark_delay)
        if failed:  # the broker is refusing or slow: give it room rather than a bigger round
            self._backoff = min(self._backoff * 2 or 0.5, MAX_BACKOFF_S)
            await asyncio.sleep(self._backoff)
            return bool(self._fresh)
        self._backoff = 0.0
        if poll and self._more_stored and published:  # the poll's batch was full of work
            self._polled_at = 0.0  # a full batch went out: read the next one at once
            return True
        return bool(self._fresh)

    async def drain_once(self) -> tuple[int, int]:
        """Publish everything pending now, in memory or stored, and mark it all sent:
        (messages published, messages that failed)."""
        published = failed = 0
        handled: set[tuple[str, str]] = set()
        while self._fresh:
            ok, bad = await self._publish(poll=False, grace_ms=0, handled=handled)
            published, failed = published + ok, failed + bad
        ok, bad = await self._publish(poll=True, grace_ms=0, handled=handled)
        await self._mark(older_than=None)
        return published + ok, failed + bad

    async def _publish(
        self, *, poll: bool, grace_ms: int, handled: set[tuple[str, str]] | None = None
    ) -> tuple[int, int]:
        """One bounded round; `handled` collects the documents it took, and the poll skips them.

        A round stops taking documents at `round_messages` messages (at least one document):
        their confirms come back in milliseconds, while a round of thousands (a backlog after a
        stall of the broker) would wait on them all and time out together, again and again.
        """
        handled = set() if handled is None else handled
        plans: list[_Plan] = []
        budget = self._round_messages
        while self._fresh and budget > 0:
            w = self._fresh.pop(next(iter(self._fresh)))
            plan = self._plan(w.source.collection, w.source, w.doc_id, w.version, w.outbox)
            plans.append(plan)
            budget -= len(plan.todo)
        if poll and budget > 0:
            skip = {(p.collection.full_name, p.doc_id) for p in plans}
            found = await self._stored(grace_ms, skip=skip | set(self._fresh) | handled)
            # Read the next batch at once only when this one was full of work for us: a full
            # batch of documents this relay is publishing or marking itself is no reason.
            self._more_stored = self._more_stored and bool(found)
            for c, source, doc_id, version, outbox in found:
                plan = self._plan(c, source, doc_id, version, outbox)
                plans.append(plan)
                budget -= len(plan.todo)
                if budget <= 0:
                    break
        handled.update((p.collection.full_name, p.doc_id) for p in plans)
        OUTBOX_PENDING.set(len(plans) + len(self._fresh))
        pending = [_publishable(m) for p in plans for m in p.todo]
        results = iter(await self._bus.publish_many_stored(pending))
        messages = iter(pending)
        published = failed = 0
        errors: dict[str, int] = {}
        for plan in plans:
            collection, source, doc_id, version, outbox = (
                plan.collection, plan.source, plan.doc_id, plan.version, plan.outbox
            )  # fmt: skip
            ok = set(plan.done & {m["id"] for m in outbox})
            for _ in plan.todo:
                message, error = next(messages), next(results)
                if error is None:
                    ok.add(message["id"])
                    published += 1
                else:
                    failed += 1
                    errors[repr(error)] = errors.get(repr(error), 0) + 1
            if source is not None and ok:
                source.sent(doc_id, version, ok)
            key = (collection.full_name, doc_id)
            if len(ok) == len(outbox):
                since = self._sent[key].at if key in self._sent else time.monotonic()
                self._sent[key] = _Sent(collection, doc_id, version, ok, since)
                self._failed.discard(key)
            else:  # left pending in the store: the next poll tries again
                self._sent.pop(key, None)
                if len(self._failed) < MAX_REMEMBERED_FAILURES:
                    self._failed.add(key)
        if errors:
            log.error("outbox messages not published", count=failed, errors=errors)
        return published, failed

    def _plan(
        self,
        collection: AsyncCollection[Doc],
        source: VersionedCollection | None,
        doc_id: str,
        version: int,
        outbox: list[Doc],
    ) -> _Plan:
        """What to publish of a document: its messages not yet published at this version."""
        known = self._sent.get((collection.full_name, doc_id))
        done = known.ids if known is not None and known.version <= version else set()
        todo = [m for m in outbox if m["id"] not in done]
        return _Plan(collection, source, doc_id, version, outbox, done, todo)

    async def _stored(
        self, grace_ms: int, *, skip: set[tuple[str, str]]
    ) -> list[tuple[AsyncCollection[Doc], VersionedCollection | None, str, int, list[Doc]]]:
        """Pending documents older than the grace period that this relay is not marking."""
        found: list[tuple[AsyncCollection[Doc], VersionedCollection | None, str, int, list[Doc]]]
        found = []
        cutoff = _wall_ms() - grace_ms
        self._more_stored = False
        for collection in self._collections:
            docs = (
                await collection.find({PENDING: {"$eq": True}}, {OUTBOX: 1, VERSION: 1, SINCE: 1})
                .sort(SINCE, ASCENDING)
                .limit(self._batch)
                .to_list()
            )
            self._more_stored |= len(docs) == self._batch
            for doc in docs:
                key = (collection.full_name, str(doc["_id"]))
                mine = self._sent.get(key)
                if key in skip or (mine is not None and mine.version == doc[VERSION]):
                    continue
                if int(doc.get(SINCE) or 0) > cutoff and key not in self._failed:
                    continue
                found.append((collection, None, key[1], int(doc[VERSION]), doc.get(OUTBOX) or []))
        return found

    async def _mark(self, *, older_than: float | None) -> None:
        """Mark sent the documents published at least `mark_delay_s` ago (all when None)."""
        due = [
            s
            for key, s in self._sent.items()
            if (older_than is None or s.at <= older_than) and key not in self._fresh
        ]
        by_collection: dict[str, list[_Sent]] = {}
        for s in due:
            by_collection.setdefault(s.collection.full_name, []).append(s)
        for group in by_collection.values():
            collection = group[0].collection
            same = [
                UpdateOne(
                    {"_id": {"$eq": s.doc_id}, VERSION: {"$eq": s.version}},
                    {"$set": {OUTBOX: [], PENDING: False}},
                )
                for s in group
            ]
            result = await collection.bulk_write(same, ordered=False)
            if result.matched_count < len(same):
                # Some were written again, carrying the messages we sent: take out just those.
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
            for s in group:
                key = (collection.full_name, s.doc_id)
                if self._sent.get(key) is s:
                    del self._sent[key]


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
