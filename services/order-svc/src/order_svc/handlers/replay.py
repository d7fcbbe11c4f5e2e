"""Idempotency-Key on the order itself: a request's history entries carry its slot id.

A retry whose first attempt died after its write (the slot still running, its lease over) finds
the id in the order's history and answers from the order instead of applying the command again.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from order_svc.domain.decide import Decision
from order_svc.domain.order import ServiceOrder

_ORDER_IDS = uuid.UUID("0b6e7a4e-5d0c-4b8e-9a51-2f3c8d9e1a77")


def made_by(order: ServiceOrder, request: str | None) -> bool:
    """Whether the request with this slot id changed the order already."""
    return request is not None and any(entry.request == request for entry in order.history)


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
