"""The relay's poll of the store: pending documents old enough, those written before the write
time was kept, and those named again; longest waiting first, at most the batch."""

from __future__ import annotations

import pytest
from aftersales_shared.persistence import Doc
from aftersales_shared.persistence.outbox_store import oldest_pending
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration


def pending(doc_id: str, since: int | None, *, is_pending: bool = True) -> Doc:
    doc: Doc = {"_id": doc_id, "_v": 1, "_outbox": [{"id": f"m-{doc_id}"}]}
    doc["_outbox_pending"] = is_pending
    if since is not None:
        doc["_outbox_at"] = since
    return doc


async def test_the_poll_takes_old_unstamped_and_named_documents_oldest_first(
    db: AsyncDatabase[Doc],
) -> None:
    c = db["orders"]
    await c.create_index("_outbox_pending")
    await c.insert_many(
        [
            pending("young", 900),
            pending("old-2", 200),
            pending("unstamped", None),
            pending("old-1", 100),
            pending("named-young", 950),
            pending("sent", 50, is_pending=False),
        ]
    )
    docs = await oldest_pending(c, limit=10, written_by=500, also={"named-young", "sent"})
    assert [d["_id"] for d in docs] == ["unstamped", "old-1", "old-2", "named-young"]
    assert set(docs[0]) == {"_id", "_v", "_outbox"}, "the outbox fields only"

    first = await oldest_pending(c, limit=2, written_by=500, also={"named-young"})
    assert [d["_id"] for d in first] == ["unstamped", "old-1"], "at most the batch, oldest"

    everything = await oldest_pending(c, limit=10)
    assert [d["_id"] for d in everything] == ["unstamped", "old-1", "old-2", "young", "named-young"]
