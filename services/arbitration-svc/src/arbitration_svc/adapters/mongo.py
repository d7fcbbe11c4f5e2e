"""Cases in MongoDB: one document per case, its `arbitration.ruled` message in the same write."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import Conflict, Invalid
from aftersales_shared.persistence import Doc, Versioned, VersionedCollection
from pymongo import ASCENDING

from arbitration_svc.domain.case import OPEN_STATUSES, Case, Status
from arbitration_svc.ports import CasePage, CaseQuery, Stored

log = structlog.get_logger(__name__)

LIST_EXCLUDES = {
    "evidence": 0,
    "history": 0,
    "notes": 0,
    "requests": 0,
    "_outbox": 0,
    "_outbox_pending": 0,
}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def to_doc(case: Case) -> Doc:
    """The stored shape: the case plus the fields its indexes need."""
    doc = case.model_dump(mode="python")
    doc["status"] = str(case.status)
    doc.pop("id")
    # One open case per order: a unique key that the ruling frees for a later request.
    open_order = case.order_id if case.is_open else f"{case.order_id}#{case.id}"
    extra = {"opened_at_ms": _ms(case.opened_at), "open_order": open_order}
    return {"_id": case.id, **_plain(doc), **extra}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def from_doc(doc: Doc) -> Case:
    """A case from its stored shape (extra index fields dropped)."""
    data = {k: v for k, v in doc.items() if k not in {"_id", "opened_at_ms", "open_order"}}
    return Case.model_validate({**data, "id": doc["_id"]})


class MongoCases:
    """The CaseRepository over a VersionedCollection."""

    def __init__(self, cases: VersionedCollection) -> None:
        self._cases = cases
        self._raw = cases.collection

    async def ensure_indexes(self) -> None:
        await self._raw.create_index("open_order", unique=True)
        await self._raw.create_index("opened_at_ms")
        await self._raw.create_index([("status", ASCENDING), ("opened_at_ms", ASCENDING)])
        await self._raw.create_index([("seller_id", ASCENDING), ("opened_at_ms", ASCENDING)])

    async def add(self, case: Case) -> bool:
        try:
            await self._cases.insert(to_doc(case))
        except Conflict:
            return False
        return True

    async def get(self, case_id: str) -> Stored | None:
        current = await self._cases.get(case_id)
        return None if current is None else Stored(case=from_doc(current.data), handle=current)

    async def save(self, stored: Stored, case: Case, *, messages: Sequence[Envelope] = ()) -> None:
        assert isinstance(stored.handle, Versioned)
        await self._cases.save(stored.handle, to_doc(case), messages=messages)

    async def find(self, query: CaseQuery) -> CasePage:
        # One flat filter of explicit operators: the development store answers `$and` / `$or`
        # some 40 times slower, so ties on the cursor's instant are skipped here instead.
        where: Doc = {}
        if query.statuses:
            where["status"] = {"$in": sorted(str(s) for s in query.statuses)}
        if query.seller_id is not None:
            where["seller_id"] = {"$eq": query.seller_id}
        after = decode_cursor(query.cursor) if query.cursor is not None else None
        opened: Doc = {}
        lower = [_ms(query.opened_after)] if query.opened_after is not None else []
        if after is not None:
            lower.append(after[0])
        if lower:
            opened["$gte"] = max(lower)
        if query.opened_before is not None:
            opened["$lte"] = _ms(query.opened_before)
        if opened:
            where["opened_at_ms"] = opened
        extra = 0
        while True:
            want = query.limit + 1 + extra
            docs = (
                await self._raw.find(where, LIST_EXCLUDES)
                .sort([("opened_at_ms", ASCENDING), ("_id", ASCENDING)])
                .limit(want)
                .to_list()
            )
            fresh = [d for d in docs if after is None or (d["opened_at_ms"], d["_id"]) > after]
            if len(fresh) > query.limit or len(docs) < want:
                break
            extra = max(2 * extra, query.limit)
        page = [from_doc({**d, "evidence": {}}) for d in fresh[: query.limit]]
        more = len(fresh) > query.limit
        return CasePage(items=page, next_cursor=encode_cursor(page[-1]) if more else None)

    async def open_since(self) -> list[tuple[Status, datetime]]:
        statuses = sorted(str(s) for s in OPEN_STATUSES)
        docs = await self._raw.find(
            {"status": {"$in": statuses}}, {"status": 1, "opened_at_ms": 1}
        ).to_list()
        return [
            (Status(d["status"]), datetime.fromtimestamp(d["opened_at_ms"] / 1000, tz=UTC))
            for d in docs
        ]


def encode_cursor(case: Case) -> str:
    """An opaque position after `case` in the oldest-first order."""
    raw = f"{_ms(case.opened_at)}:{case.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The position a cursor names; Invalid (422) if it was not made by `encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        ms, case_id = raw.split(":", 1)
        return int(ms), case_id
    except (ValueError, UnicodeDecodeError):
        raise Invalid("not a cursor this API handed out", field="cursor") from None
