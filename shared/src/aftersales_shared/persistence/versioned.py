"""Compare-and-set collections: a document and the messages its change produces, one write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import ConcurrencyConflict, Conflict
from aftersales_shared.persistence.cache import VersionCache
from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.documents import (
    VERSION,
    Versioned,
    dump,
    split,
    stamp,
    wall_ms,
)


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
        self._cache = VersionCache(cache_size) if cache_size > 0 else None

    async def get(self, doc_id: str) -> Versioned | None:
        """The stored document, read now (and remembered for `get_for_update`)."""
        raw = await self.collection.find_one({"_id": {"$eq": doc_id}})
        if raw is None:
            if self._cache is not None:
                self._cache.forget(doc_id)
            return None
        return self._remember(doc_id, split(raw))

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
        at = wall_ms()
        outbox = [dump(m, at) for m in messages]
        try:
            await self.collection.insert_one({**data, **stamp(1, outbox, at)})
        except DuplicateKeyError as exc:
            # the driver's details name the store's internals (index, engine message): not shown
            raise Conflict(f"{data['_id']} exists already", id=str(data["_id"])) from exc
        return self._written(Versioned(data=data, version=1, outbox=outbox))

    async def save(
        self, current: Versioned, data: Doc, *, messages: Sequence[Envelope] = ()
    ) -> Versioned:
        """Replace `current` with `data` only if nobody wrote since it was read."""
        at = wall_ms()
        doc_id = str(data["_id"])
        carried = self._unsent(doc_id, current)
        outbox = [*carried, *(dump(m, at) for m in messages)]
        version = current.version + 1
        result = await self.collection.replace_one(
            {"_id": {"$eq": data["_id"]}, VERSION: {"$eq": current.version}},
            {**data, **stamp(version, outbox, at)},
        )
        if result.matched_count == 0:
            if self._cache is not None:
                self._cache.forget(doc_id)
            raise ConcurrencyConflict(
                "someone else changed this at the same time; read it again and retry"
            )
        # The relay is handed what is stored (it must know every id it published of it, or a
        # later read of this version would send one again); what it confirmed while the write
        # was in the store leaves only this process's memory of the new version.
        meanwhile = {m["id"] for m in carried} - {m["id"] for m in self._unsent(doc_id, current)}
        written = self._written(Versioned(data=data, version=version, outbox=outbox))
        if meanwhile:
            self.sent(doc_id, version, meanwhile)
        return written

    def _unsent(self, doc_id: str, current: Versioned) -> list[Doc]:
        """The messages `current` carries that the relay has not published yet, as far as
        this process knows: published ones are not carried on to the next version."""
        if self._cache is None:
            return current.outbox
        return self._cache.unsent(doc_id, current.version, current.outbox)

    def remember_parsed(self, doc_id: str, version: int, parsed: Any) -> None:
        """Keep the adapter's domain object in place of the cached version's raw data (half the
        memory): `get_for_update` then answers with `parsed` set and `data` holding `_id` only."""
        if self._cache is not None:
            self._cache.remember_parsed(doc_id, version, parsed)

    def forget(self, doc_id: str) -> None:
        """Drop this document from the write cache (one unlikely to be written again soon):
        its next `get_for_update` reads the store."""
        if self._cache is not None:
            self._cache.forget(doc_id)

    def sent(self, doc_id: str, version: int, ids: set[str]) -> None:
        """The relay published these messages of `version`: the next write need not carry them."""
        if self._cache is not None:
            self._cache.sent(doc_id, version, ids)

    def _remember(self, doc_id: str, current: Versioned) -> Versioned:
        if self._cache is not None:
            self._cache.remember(doc_id, current)
        return current

    def _written(self, current: Versioned) -> Versioned:
        doc_id = str(current.data["_id"])
        self._remember(doc_id, current)
        if current.outbox and self._on_write is not None:
            self._on_write(Written(self, doc_id, current.version, current.outbox))
        return current
