"""Webhook subscriptions and deliveries in MongoDB (dev-store safe: `$eq`, epoch-ms instants)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from sms_svc.adapters.batching import Batcher
from sms_svc.adapters.message_docs import from_ms, to_ms
from sms_svc.adapters.mongo import _insert_many
from sms_svc.adapters.notices import page_after
from sms_svc.domain.webhook import Status, Subscription, Try, WebhookDelivery

FINISH_LINGER_S = 0.02
"""Attempts' outcomes wait this long for company: nobody waits on them, fewer round trips."""


def _ms(instant: datetime | None) -> int:
    return 0 if instant is None else to_ms(instant)


def _at(ms: object) -> datetime | None:
    return from_ms(int(str(ms))) if ms else None


class Subscriptions:
    """Read a batch of sellers at a time: one round trip for a batch of notices."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection

    async def put(self, subscription: Subscription) -> None:
        fields = {
            "url": subscription.url,
            "secret": subscription.secret,
            "updated_at_ms": to_ms(subscription.updated_at),
        }
        await self._c.update_one(
            {"_id": {"$eq": subscription.seller_id}}, {"$set": fields}, upsert=True
        )

    async def get(self, seller_id: str) -> Subscription | None:
        return (await self.get_many({seller_id})).get(seller_id)

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        if not seller_ids:
            return {}
        found = self._c.find({"_id": {"$in": sorted(seller_ids)}})
        return {str(doc["_id"]): subscription_of(doc) for doc in await found.to_list()}


def subscription_of(doc: Doc) -> Subscription:
    return Subscription(
        seller_id=str(doc["_id"]),
        url=str(doc["url"]),
        secret=str(doc["secret"]),
        updated_at=from_ms(int(doc["updated_at_ms"])),
    )


def changes(d: WebhookDelivery) -> Doc:
    """What an attempt or a redelivery changes in the stored delivery."""
    return {
        "status": d.status.value,
        "tries": [
            {"at_ms": to_ms(t.at), "ms": t.duration_ms, "outcome": t.outcome, "code": t.status_code}
            for t in d.tries
        ],
        "round_tries": d.round_tries,
        "next_at_ms": _ms(d.next_at),
        "lease_until_ms": _ms(d.lease_until),
        "redeliveries": d.redeliveries,
        "updated_at_ms": to_ms(d.updated_at),
    }


def delivery_doc(d: WebhookDelivery) -> Doc:
    fixed = {"_id": d.id, "seller_id": d.seller_id, "notice_id": d.notice_id, "body": d.body}
    return fixed | {"created_at_ms": to_ms(d.created_at), **changes(d)}


def delivery_of(doc: Doc) -> WebhookDelivery:
    return WebhookDelivery(
        id=str(doc["_id"]),
        seller_id=str(doc["seller_id"]),
        notice_id=str(doc["notice_id"]),
        body=str(doc["body"]),
        created_at=from_ms(int(doc["created_at_ms"])),
        updated_at=from_ms(int(doc["updated_at_ms"])),
        status=Status(doc["status"]),
        tries=tuple(
            Try(from_ms(int(t["at_ms"])), int(t["ms"]), str(t["outcome"]), t.get("code"))
            for t in doc.get("tries") or []
        ),
        round_tries=int(doc.get("round_tries", 0)),
        next_at=_at(doc.get("next_at_ms")),
        lease_until=_at(doc.get("lease_until_ms")),
        redeliveries=int(doc.get("redeliveries", 0)),
    )


class Deliveries:
    """One document per (notice, seller); its attempts inside (bounded by the attempts bound)."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection
        self._finishes: Batcher[tuple[str, str, Doc], None] = Batcher(
            self._finish_many, max_size=512, linger_s=FINISH_LINGER_S
        )

    async def ensure_indexes(self) -> None:
        await self._c.create_index([("status", ASCENDING), ("next_at_ms", ASCENDING)])
        await self._c.create_index([("seller_id", ASCENDING), ("created_at_ms", DESCENDING)])

    async def insert_many(self, deliveries: list[WebhookDelivery]) -> list[bool]:
        docs = [delivery_doc(d) for d in deliveries]
        return await _insert_many(self._c, docs) if docs else []

    async def get(self, delivery_id: str) -> WebhookDelivery | None:
        doc = await self._c.find_one({"_id": {"$eq": delivery_id}})
        return None if doc is None else delivery_of(doc)

    async def claim(
        self, delivery_id: str, *, now: datetime, lease: timedelta
    ) -> WebhookDelivery | None:
        now_ms = to_ms(now)
        doc = await self._c.find_one_and_update(
            {
                "_id": {"$eq": delivery_id},
                "status": {"$eq": Status.PENDING.value},
                "next_at_ms": {"$lte": now_ms},
                "lease_until_ms": {"$lt": now_ms},
            },
            {"$set": {"lease_until_ms": to_ms(now + lease)}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else delivery_of(doc)

    async def save(self, delivery: WebhookDelivery, *, was: str) -> bool:
        result = await self._c.update_one(
            {"_id": {"$eq": delivery.id}, "status": {"$eq": was}}, {"$set": changes(delivery)}
        )
        return result.matched_count == 1

    async def finish(self, delivery: WebhookDelivery, *, was: str) -> None:
        """`save` without its answer, micro-batched (an attempt's outcome)."""
        await self._finishes.submit((delivery.id, was, changes(delivery)))

    async def _finish_many(self, items: list[tuple[str, str, Doc]]) -> list[None]:
        await self._c.bulk_write(
            [
                UpdateOne({"_id": {"$eq": did}, "status": {"$eq": was}}, {"$set": fields})
                for did, was, fields in items
            ],
            ordered=False,
        )
        return [None] * len(items)

    async def due(self, *, now: datetime, limit: int) -> list[str]:
        now_ms = to_ms(now)
        cursor = self._c.find(
            {
                "status": {"$eq": Status.PENDING.value},
                "next_at_ms": {"$lte": now_ms},
                "lease_until_ms": {"$lt": now_ms},
            },
            {"_id": 1},
        )
        return [
            str(d["_id"]) for d in await cursor.sort("next_at_ms", ASCENDING).limit(limit).to_list()
        ]

    async def search(
        self, *, seller_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[WebhookDelivery]:
        clauses = [{"seller_id": {"$eq": seller_id}}, *page_after(after, "created_at_ms")]
        cursor = self._c.find({"$and": clauses})
        cursor = cursor.sort([("created_at_ms", DESCENDING), ("_id", DESCENDING)])
        return [delivery_of(doc) for doc in await cursor.limit(limit).to_list()]
