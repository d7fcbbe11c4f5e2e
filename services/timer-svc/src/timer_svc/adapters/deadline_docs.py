"""The stored form of a deadline: instants as integer epoch milliseconds, which the store
compares and updates as numbers. The only place that converts between the two."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.persistence import Doc

from timer_svc.domain.deadlines import Deadline, State

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def to_ms(instant: datetime) -> int:
    """An aware datetime as integer epoch milliseconds (exact, no float rounding)."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (instant - EPOCH) // _MS


def from_ms(ms: int) -> datetime:
    """Integer epoch milliseconds as an aware UTC datetime."""
    return EPOCH + timedelta(milliseconds=ms)


def to_doc(deadline: Deadline, *, now: datetime, suspended: bool = False) -> Doc:
    """The stored form of a new deadline (pending, or suspended if its order is)."""
    due_ms, now_ms = to_ms(deadline.due), to_ms(now)
    doc: dict[str, Any] = {
        "_id": deadline.deadline_id,
        "kind": deadline.kind,
        "order_id": deadline.order_id,
        "seller_id": deadline.seller_id,
        "correlation_id": deadline.correlation_id,
        "data": deadline.data,
        "due_ms": due_ms,
        "gen": deadline.generation,
        "lease_ms": 0,
        "created_ms": now_ms,
    }
    if suspended:
        return doc | {"state": State.SUSPENDED.value, "suspended_ms": now_ms}
    return doc | {"state": State.PENDING.value, "next_ms": due_ms}


def from_doc(doc: Doc) -> Deadline:
    return Deadline(
        deadline_id=doc["_id"],
        kind=doc["kind"],
        order_id=doc["order_id"],
        due=from_ms(int(doc["due_ms"])),
        seller_id=doc.get("seller_id"),
        correlation_id=doc.get("correlation_id"),
        generation=int(doc.get("gen", 0)),
        data=dict(doc.get("data") or {}),
    )
