"""Idempotency-Key on the order itself: a request's history entries carry its slot id.

A retry whose first attempt died after its write (the slot still running, its lease over) finds
the id in the order's history and answers from the order instead of applying the command again.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from order_svc.domain.decide import Decision
from order_svc.domain.order import ServiceOrder
from order_svc.ports import Orders

_ORDER_IDS = uuid.UUID("0b6e7a4e-5d0c-4b8e-9a51-2f3c8d9e1a77")


def made_by(order: ServiceOrder, request: str | None) -> bool:
    """Whether the request with this slot id changed the order already."""
    return request is not None and any(entry.request == request for entry in order.history)


async def applied(orders: Orders, order: ServiceOrder, request: str | None) -> bool:
    """`made_by`, also among the entries that left the order's tail (stored apart)."""
    if request is None or made_by(order, request):
        return request is not None
    return order.history_start > 0 and await orders.made_by(order.id, request)


def stamped(decision: Decision, *, since: int, request: str | None) -> Decision:
    """The decision with its new history entries (from index `since`) marked as the request's."""
    if request is None:
        return decision
    history = list(decision.order.history)
    history[since:] = [entry.model_copy(update={"request": request}) for entry in history[since:]]
    return replace(decision, order=decision.order.model_copy(update={"history": history}))


def order_id_for(request: str) -> str:
    """The id of the order an application creates: a re-run of the request cannot make two."""
    return uuid.uuid5(_ORDER_IDS, request).hex
