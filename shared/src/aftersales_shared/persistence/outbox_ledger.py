"""The relay's ledger: what it published and has not marked sent yet, what the broker refused."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection

from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.outbox_store import Sent
from aftersales_shared.persistence.versioned import VersionedCollection

MAX_REMEMBERED_FAILURES = 10_000
Key = tuple[str, str]
"""A document: its collection's full name and its id."""


@dataclass
class Plan:
    """What to publish of a document: its messages not yet published at this version."""

    collection: AsyncCollection[Doc]
    source: VersionedCollection | None
    doc_id: str
    version: int
    outbox: list[Doc]
    done: set[str]
    todo: list[Doc]

    @property
    def key(self) -> Key:
        return (self.collection.full_name, self.doc_id)


class Ledger:
    """Documents whose messages are all published, until marked sent; and refused writes."""

    def __init__(self) -> None:
        self.sent: dict[Key, Sent] = {}
        self.failed: set[Key] = set()
        """Writes of this process the broker refused: the next poll retries them at once."""

    def plan(
        self,
        collection: AsyncCollection[Doc],
        source: VersionedCollection | None,
        doc_id: str,
        version: int,
        outbox: list[Doc],
    ) -> Plan:
        """What to publish of a document: its messages not yet published at this version."""
        known = self.sent.get((collection.full_name, doc_id))
        done = known.ids if known is not None and known.version <= version else set()
        todo = [m for m in outbox if m["id"] not in done]
        return Plan(collection, source, doc_id, version, outbox, done, todo)

    def published_at(self, key: Key, version: int) -> bool:
        """All of this document's messages at `version` are published (not yet marked)."""
        mine = self.sent.get(key)
        return mine is not None and mine.version == version

    def settle(
        self,
        plan: Plan,
        outcomes: Iterator[tuple[Doc, BaseException | None]],
        errors: dict[str, int],
    ) -> int:
        """Record what of `plan` went out (counting the errors): how many it published."""
        ok = set(plan.done & {m["id"] for m in plan.outbox})
        published = 0
        for _ in plan.todo:
            message, error = next(outcomes)
            if error is None:
                ok.add(message["id"])
                published += 1
            else:
                errors[repr(error)] = errors.get(repr(error), 0) + 1
        if plan.source is not None and ok:
            plan.source.sent(plan.doc_id, plan.version, ok)
        key = plan.key
        if len(ok) == len(plan.outbox):
            since = self.sent[key].at if key in self.sent else time.monotonic()
            self.sent[key] = Sent(plan.collection, plan.doc_id, plan.version, ok, since)
            self.failed.discard(key)
        else:  # left pending in the store: the next poll tries again
            self.sent.pop(key, None)
            if len(self.failed) < MAX_REMEMBERED_FAILURES:
                self.failed.add(key)
        return published

    def due(self, *, older_than: float | None, skip: set[Key]) -> dict[str, list[Sent]]:
        """By collection, the documents published at or before `older_than` (all when None)."""
        by_collection: dict[str, list[Sent]] = {}
        for key, s in self.sent.items():
            if (older_than is None or s.at <= older_than) and key not in skip:
                by_collection.setdefault(s.collection.full_name, []).append(s)
        return by_collection

    def marked(self, group: list[Sent]) -> None:
        """These are marked sent in the store: forget them (unless published again since)."""
        for s in group:
            key = (s.collection.full_name, s.doc_id)
            if self.sent.get(key) is s:
                del self.sent[key]
