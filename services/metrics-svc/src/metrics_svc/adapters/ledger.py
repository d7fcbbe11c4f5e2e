"""metrics-svc's ledger collections: `ledger` (one entry per money movement, its id the
movement's) and `movements` (each movement as its event carried it, for reconciliation).

Entries are only inserted (a duplicate id is ignored), never updated. Instants are epoch
milliseconds; `c` (time and id, see `domain.ledger.cursor_of`) orders and pages the entries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from metrics_svc.domain.ledger import Entry, cursor_of
from metrics_svc.ports import MovementRecord

DUPLICATE_KEY = 11000


def entry_doc(entry: Entry) -> Doc:
    return {
        "_id": entry.id,
        "k": entry.kind,
        "s": entry.seller_id,
        "o": entry.order_id,
        "fen": entry.fen,
        "pr": entry.payer,
        "pe": entry.payee,
        "at": int(entry.at.timestamp() * 1000),
        "m": entry.month,
        "sm": f"{entry.seller_id}|{entry.month}",
        "os": list(entry.order_ids),
        "n": entry.note,
        "src": entry.source,
        "c": cursor_of(entry),
    }


def entry_from_doc(doc: Doc) -> Entry:
    return Entry(
        id=str(doc["_id"]),
        kind=str(doc["k"]),
        seller_id=str(doc["s"]),
        order_id=doc["o"],
        fen=int(doc["fen"]),
        payer=str(doc["pr"]),
        payee=str(doc["pe"]),
        at=datetime.fromtimestamp(int(doc["at"]) / 1000, tz=UTC),
        month=str(doc["m"]),
        order_ids=tuple(doc.get("os") or ()),
        note=doc.get("n"),
        source=str(doc.get("src", "")),
    )


def movement_doc(record: MovementRecord) -> Doc:
    return {
        "_id": record.id,
        "s": record.seller_id,
        "o": record.order_id,
        "m": record.month,
        "sm": f"{record.seller_id}|{record.month}",
        "src": record.source,
        "body": record.body,
    }


def movement_from_doc(doc: Doc) -> MovementRecord:
    return MovementRecord(str(doc["_id"]), doc["s"], doc["o"], doc["m"], doc["src"], doc["body"])


async def insert_once(collection: AsyncCollection[Doc], docs: list[Doc]) -> None:
    """Insert documents; one whose id is already stored is left as it is."""
    if not docs:
        return
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
            raise


def month_query(month: str, seller_id: str | None) -> Doc:
    if seller_id is None:
        return {"m": {"$eq": month}}
    return {"sm": {"$eq": f"{seller_id}|{month}"}}


class MongoLedger:
    """The `LedgerStore` on MongoDB."""

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.ledger = db["ledger"]
        self.movements = db["movements"]

    async def ensure_indexes(self) -> None:
        for field in ("sm", "m", "s", "o", "c"):
            await self.ledger.create_index([(field, ASCENDING)])
        for field in ("sm", "m"):
            await self.movements.create_index([(field, ASCENDING)])

    async def record(self, movements: list[MovementRecord], entries: list[Entry]) -> None:
        await insert_once(self.movements, [movement_doc(r) for r in movements])
        await insert_once(self.ledger, [entry_doc(e) for e in entries])

    async def entries(
        self, *, seller_id: str | None, order_id: str | None, month: str | None,
        kind: str | None, after: str | None, limit: int,
    ) -> list[Entry]:  # fmt: skip
        query: Doc = {}
        if seller_id is not None and month is not None:
            query["sm"] = {"$eq": f"{seller_id}|{month}"}
        elif seller_id is not None:
            query["s"] = {"$eq": seller_id}
        elif month is not None:
            query["m"] = {"$eq": month}
        if order_id is not None:
            query["o"] = {"$eq": order_id}
        if kind is not None:
            query["k"] = {"$eq": kind}
        if after is not None:
            query["c"] = {"$gt": after}
        docs = await self.ledger.find(query).sort("c", ASCENDING).limit(limit).to_list()
        return [entry_from_doc(d) for d in docs]

    async def month_entries(self, month: str, *, seller_id: str | None) -> list[Entry]:
        docs = await self.ledger.find(month_query(month, seller_id)).to_list()
        return [entry_from_doc(d) for d in docs]

    async def month_movements(self, month: str, *, seller_id: str | None) -> list[MovementRecord]:
        docs = await self.movements.find(month_query(month, seller_id)).to_list()
        return [movement_from_doc(d) for d in docs]
