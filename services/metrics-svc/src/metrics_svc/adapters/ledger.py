"""metrics-svc's ledger collection: one document per entry, its id the movement's, holding the
movement as its event carried it (`b`, the `MoneyMovement` JSON) next to the entry's fields, so
a reconciliation can recompute the entry from it.

Entries are only inserted (a duplicate id is ignored), never updated. Instants are epoch
milliseconds. Three indexes, as few as the queries need (each costs every insert; the ledger
is written on the ingest path): `smw` (seller, month and the time of the write: a seller's
entries, a seller-month's, and those written since a time), `o` (an order's) and `c` (the
entry's time and id, `domain.ledger.cursor_of`: the order of the pages). A month's entries of
every seller are found by a scan (an operator's query, not a hot one).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from metrics_svc.domain.ledger import Entry, cursor_of
from metrics_svc.ports import MovementRecord

DUPLICATE_KEY = 11000
HIGHEST = "\x7f"
"""Above every character an id or a month may hold: the end of a prefix range."""


def entry_doc(entry: Entry, *, written_ms: int, movement: MovementRecord | None) -> Doc:
    doc: Doc = {
        "_id": entry.id,
        "k": entry.kind,
        "s": entry.seller_id,
        "o": entry.order_id,
        "fen": entry.fen,
        "pr": entry.payer,
        "pe": entry.payee,
        "at": int(entry.at.timestamp() * 1000),
        "m": entry.month,
        "os": list(entry.order_ids),
        "n": entry.note,
        "src": entry.source,
        "c": cursor_of(entry),
        "w": written_ms,
        "smw": f"{entry.seller_id}|{entry.month}|{written_ms:013d}",
    }
    if movement is not None:
        doc |= {"b": movement.body, "bs": movement.seller_id, "bo": movement.order_id,
                "bm": movement.month, "bsrc": movement.source}  # fmt: skip
    return doc


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


def movement_from_doc(doc: Doc) -> MovementRecord:
    return MovementRecord(str(doc["_id"]), doc["bs"], doc["bo"], doc["bm"], doc["bsrc"], doc["b"])


async def insert_once(collection: AsyncCollection[Doc], docs: list[Doc]) -> None:
    """Insert documents; one whose id is already stored is left as it is."""
    if not docs:
        return
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
            raise


def prefix(*parts: str) -> Doc:
    """The `smw` range of a seller (and month), on its index."""
    key = "|".join(parts) + "|"
    return {"smw": {"$gte": key, "$lt": key + HIGHEST}}


def month_query(month: str, seller_id: str | None) -> Doc:
    return {"m": {"$eq": month}} if seller_id is None else prefix(seller_id, month)


class MongoLedger:
    """The `LedgerStore` on MongoDB."""

    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.ledger = db["ledger"]

    async def ensure_indexes(self) -> None:
        for field in ("smw", "o", "c"):
            await self.ledger.create_index([(field, ASCENDING)])

    async def record(self, movements: list[MovementRecord], entries: list[Entry]) -> None:
        """One document per entry, with its movement as the event carried it (if any)."""
        carried = {r.id: r for r in movements}
        written = int(time.time() * 1000)  # the wall clock: when, not what (see `written_since`)
        docs = [entry_doc(e, written_ms=written, movement=carried.get(e.id)) for e in entries]
        await insert_once(self.ledger, docs)

    async def entries(
        self, *, seller_id: str | None, order_id: str | None, month: str | None,
        kind: str | None, after: str | None, limit: int,
    ) -> list[Entry]:  # fmt: skip
        query: Doc = {}
        if seller_id is not None:
            query |= prefix(seller_id) if month is None else prefix(seller_id, month)
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
        query = {"bm": {"$eq": month}} if seller_id is None else prefix(seller_id, month)
        docs = await self.ledger.find(query).to_list()
        return [movement_from_doc(d) for d in docs if "b" in d and d["bm"] == month]

    async def written_since(
        self, month: str, *, seller_id: str, since_ms: int | None
    ) -> tuple[list[Entry], int]:
        """A seller-month's entries written at or after `since_ms` (all when None), and the
        time of this read by the clock that stamps the writes."""
        as_of = int(time.time() * 1000)
        query = prefix(seller_id, month)
        if since_ms is not None:
            query["smw"]["$gte"] = f"{seller_id}|{month}|{since_ms:013d}"
        docs = await self.ledger.find(query).to_list()
        return [entry_from_doc(d) for d in docs], as_of
