"""The stored form of a deadline (instants as integer epoch milliseconds)."""

from __future__ import annotations

from typing import Any

from aftersales_shared.persistence import Doc

from timer_svc.domain.deadlines import State
from timer_svc.domain.firing import Deadline


def to_doc(deadline: Deadline, *, now_ms: int, suspended: bool = False) -> Doc:
    """The stored form of a new deadline (pending, or suspended if its order is)."""
    doc: dict[str, Any] = {
        "_id": deadline.deadline_id,
        "kind": deadline.kind,
        "order_id": deadline.order_id,
        "seller_id": deadline.seller_id,
        "correlation_id": deadline.correlation_id,
        "data": deadline.data,
        "due_ms": deadline.due_ms,
        "gen": deadline.generation,
        "lease_ms": 0,
        "created_ms": now_ms,
    }
    if suspended:
        return doc | {"state": State.SUSPENDED.value, "suspended_ms": now_ms}
    return doc | {"state": State.PENDING.value, "next_ms": deadline.due_ms}


def from_doc(doc: Doc) -> Deadline:
    return Deadline(
        deadline_id=doc["_id"],
        kind=doc["kind"],
        order_id=doc["order_id"],
        due_ms=int(doc["due_ms"]),
        seller_id=doc.get("seller_id"),
        correlation_id=doc.get("correlation_id"),
        generation=int(doc.get("gen", 0)),
        data=dict(doc.get("data") or {}),
    )
