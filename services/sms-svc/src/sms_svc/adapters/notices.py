"""The sellers' notices in MongoDB: one document per notice, `_id` its derived id."""

from __future__ import annotations

from typing import Any

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from sms_svc.adapters.message_docs import from_ms, to_ms
from sms_svc.adapters.mongo import _insert_many
from sms_svc.domain.notice import Notice
from sms_svc.ports import NoticeQuery


def notice_doc(notice: Notice) -> Doc:
    return {
        "_id": notice.id,
        "seller_id": notice.seller_id,
        "kind": notice.kind,
        "at_ms": to_ms(notice.at),
        "text": notice.text,
        "order_id": notice.order_id,
        "order_no": notice.order_no,
        "category": notice.category,
        "due_at_ms": None if notice.due_at is None else to_ms(notice.due_at),
        "facts": dict(notice.facts),
        "order_ids": list(notice.order_ids),
    }


def notice_of(doc: Doc) -> Notice:
    due: Any = doc.get("due_at_ms")
    return Notice(
        id=str(doc["_id"]),
        seller_id=str(doc["seller_id"]),
        kind=str(doc["kind"]),
        at=from_ms(int(doc["at_ms"])),
        text=str(doc.get("text", "")),
        order_id=doc.get("order_id"),
        order_no=doc.get("order_no"),
        category=doc.get("category"),
        due_at=None if due is None else from_ms(int(due)),
        facts={str(k): str(v) for k, v in (doc.get("facts") or {}).items()},
        order_ids=tuple(str(o) for o in doc.get("order_ids") or []),
    )


def page_after(after: tuple[Any, str] | None, field: str) -> list[Doc]:
    """The clause of a newest-first page after the (instant, id) of the last item before."""
    if after is None:
        return []
    at, last = to_ms(after[0]), after[1]
    return [{"$or": [{field: {"$lt": at}}, {field: {"$eq": at}, "_id": {"$lt": last}}]}]


class Notices:
    """A batch of notices is inserted in one round trip (the consumer batches them)."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection

    async def ensure_indexes(self) -> None:
        await self._c.create_index([("seller_id", ASCENDING), ("at_ms", DESCENDING)])
        await self._c.create_index([("at_ms", DESCENDING)])

    async def insert_many(self, notices: list[Notice]) -> list[bool]:
        return await _insert_many(self._c, [notice_doc(n) for n in notices]) if notices else []

    async def search(self, query: NoticeQuery) -> list[Notice]:
        """Newest first (by the notice's instant, then id)."""
        clauses: list[Doc] = []
        if query.seller_id is not None:
            clauses.append({"seller_id": {"$eq": query.seller_id}})
        if query.kind is not None:
            clauses.append({"kind": {"$eq": query.kind}})
        if query.categories is not None:
            clauses.append({"category": {"$in": sorted(query.categories)}})
        clauses += page_after(query.after, "at_ms")
        found: Doc = {"$and": clauses} if clauses else {}
        cursor = self._c.find(found).sort([("at_ms", DESCENDING), ("_id", DESCENDING)])
        return [notice_of(doc) for doc in await cursor.limit(query.limit).to_list()]
