"""The relay's poll of the store, and its bounded steps at stop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.documents import OUTBOX, SINCE, VERSION, wall_ms
from aftersales_shared.persistence.outbox_ledger import Key, Ledger, Plan
from aftersales_shared.persistence.outbox_store import oldest_pending

log = structlog.get_logger(__name__)


async def stored_plans(
    ledger: Ledger,
    collections: list[AsyncCollection[Doc]],
    grace_ms: int,
    *,
    skip: set[Key],
    batch: int,
) -> tuple[list[Plan], bool]:
    """Pending documents older than the grace period (or refused before) that this relay is
    neither publishing nor marking; and whether a batch came back full (more may wait)."""
    found: list[Plan] = []
    full = False
    cutoff = wall_ms() - grace_ms
    for collection in collections:
        name = collection.full_name
        failed = {doc_id for coll, doc_id in ledger.failed if coll == name}
        written_by = cutoff if grace_ms > 0 else None
        docs = await oldest_pending(collection, limit=batch, written_by=written_by, also=failed)
        full |= len(docs) == batch
        for doc in docs:
            key = (name, str(doc["_id"]))
            if key in skip or ledger.published_at(key, doc[VERSION]):
                continue
            if int(doc.get(SINCE) or 0) > cutoff and key not in ledger.failed:
                continue
            outbox = doc.get(OUTBOX) or []
            found.append(ledger.plan(collection, None, key[1], int(doc[VERSION]), outbox))
    return found, full


async def bounded(step: Awaitable[object], timeout_s: float, *, what: str) -> None:
    """Await `step` for at most `timeout_s`, then cancel it and go on without waiting for it
    (a step that swallows its cancellation, as a driver mid-command may, cannot hold a stop)."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=timeout_s)
    if not done:
        task.cancel()
        log.warning("outbox relay: step not done in time at stop, left", step=what)
        return
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.warning("outbox relay: step failed at stop", step=what, error=repr(exc))
