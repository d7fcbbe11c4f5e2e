"""The list's filters and sorts, and the workbench's counts, as development-store queries.

Every filter is an explicit operator (`$eq`, `$lte`, ...) so that the development store uses its
indexes.
"""

from __future__ import annotations

from typing import Any

from aftersales_shared.persistence import Doc
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from order_svc.domain.deadlines import next_due
from order_svc.domain.model import Status
from order_svc.domain.order import ServiceOrder
from order_svc.ports import OrderQuery

NO_DUE_MS = 2**53 - 1
"""`next_due_ms` of an order with nothing due (or locked): last in `sort=due`, never 'due soon'."""
EQUAL_FILTERS = (
    "seller_id",
    "customer_id",
    "status",
    "assignee",
    "customer_responded",
    "order_no",
    "tracking_no",
    "shipped",
    "locked",
)
BY_CREATED = [("created_ms", DESCENDING), ("_id", DESCENDING)]
BY_DUE = [("next_due_ms", ASCENDING), ("_id", ASCENDING)]


def workbench_fields(order: ServiceOrder) -> Doc:
    """What the workbench filters and sorts on, kept on every write from the order itself."""
    due = next_due(order)
    return {
        "shipped": order.shipment is not None,
        "next_due_ms": NO_DUE_MS if due is None else int(due.due_at.timestamp() * 1000),
        "next_due_kind": None if due is None else due.kind,
    }


def scope_where(query: OrderQuery) -> Doc:
    """Whose orders: a seller's (a staff member's categories), a customer's, or all."""
    where: Doc = {}
    for key in ("seller_id", "customer_id"):
        if (value := getattr(query, key)) is not None:
            where[key] = {"$eq": value}
    if query.categories is not None:
        where["category"] = {"$in": sorted(query.categories)}
    return where


def where_of(query: OrderQuery) -> Doc:
    """The list's filter."""
    where = scope_where(query)
    for key in EQUAL_FILTERS:
        value = getattr(query, key)
        if value is not None:
            where[key] = {"$eq": value}
    if query.shipped is not None:
        where["status"] = {"$eq": Status.AWAITING_RETURN.value}
    if query.customer_phone is not None:
        # orders applied before phones were normalised on write hold "+86138…" (the only
        # other form the old rule took)
        where["customer_phone"] = {"$in": [query.customer_phone, f"+86{query.customer_phone}"]}
    if query.due_before_ms is not None:
        where["next_due_ms"] = {"$lte": query.due_before_ms}
    if query.sort == "due" and query.after is not None:
        ms, last_id = query.after
        where["$or"] = [
            {"next_due_ms": {"$gt": ms}},
            {"next_due_ms": {"$eq": ms}, "_id": {"$gt": last_id}},
        ]
    return where


def sort_of(query: OrderQuery) -> list[tuple[str, int]]:
    return BY_DUE if query.sort == "due" else BY_CREATED


async def count_due(
    collection: AsyncCollection[Doc], query: OrderQuery, *, due_before_ms: int
) -> int:
    """How many of the scope's orders have a deadline due at or before the instant: a `$group`
    of one `$sum: 1` (the form the development store runs in SQL) on the (seller, due) index."""
    where = scope_where(query) | {"next_due_ms": {"$lte": due_before_ms}}
    pipeline: list[dict[str, Any]] = [
        {"$match": where},
        {"$group": {"_id": "$status", "n": {"$sum": 1}}},
    ]
    rows = await (await collection.aggregate(pipeline)).to_list()
    return sum(int(r["n"]) for r in rows)
