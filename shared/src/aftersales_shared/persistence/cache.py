"""The versions a process last read or wrote, so that a command can skip its read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cachetools import LRUCache

from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.documents import Versioned


class VersionCache:
    """Recently used versions by document id, least recently used dropped first.

    A hit may be stale when another process wrote since: the compare-and-set of the write
    still refuses a version it did not see.
    """

    def __init__(self, size: int) -> None:
        self._lru: LRUCache[str, Versioned] = LRUCache(maxsize=size)

    def get(self, doc_id: str) -> Versioned | None:
        return self._lru.get(doc_id)

    def forget(self, doc_id: str) -> None:
        self._lru.pop(doc_id, None)

    def remember(self, doc_id: str, current: Versioned) -> None:
        """Keep `current`, unless a newer version is known: a read can leave the store before
        a write of this process and come back after it."""
        hit = self._lru.get(doc_id)
        if hit is None or hit.version <= current.version:
            self._lru[doc_id] = current

    def remember_parsed(self, doc_id: str, version: int, parsed: Any) -> None:
        """Keep the adapter's domain object in place of the raw data of `version`."""
        hit = self._lru.get(doc_id)
        if hit is not None and hit.version == version:
            self._lru[doc_id] = replace(hit, data={"_id": doc_id}, parsed=parsed)

    def sent(self, doc_id: str, version: int, ids: set[str]) -> None:
        """These messages of `version` are published: drop them from its outbox, or from the
        outbox of a later version that still carries them (written before the confirm)."""
        hit = self._lru.get(doc_id)
        if hit is not None and hit.version >= version:
            outbox = [m for m in hit.outbox if m["id"] not in ids]
            self._lru[doc_id] = replace(hit, outbox=outbox)

    def unsent(self, doc_id: str, version: int, outbox: list[Doc]) -> list[Doc]:
        """`outbox`, the messages of `version` as a command read them, without those published
        since the read (the remembered copy of that version no longer holds them)."""
        hit = self._lru.get(doc_id)
        if hit is None or hit.version != version:
            return outbox
        left = {m["id"] for m in hit.outbox}
        return [m for m in outbox if m["id"] in left]
