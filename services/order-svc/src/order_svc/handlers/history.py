"""Reading an order's whole history, page by page (the order itself holds only its latest)."""

from __future__ import annotations

from dataclasses import dataclass

from aftersales_shared.auth import Principal

from order_svc.domain.order import HistoryEntry
from order_svc.domain.tail import history_total
from order_svc.handlers.orders import OrderService


@dataclass(frozen=True)
class HistoryPage:
    entries: list[tuple[int, HistoryEntry]]
    """(sequence number, entry), oldest first."""
    next_after: int | None
    """The sequence number to continue after; None when this page reaches the end."""


async def history_page(
    service: OrderService, principal: Principal, order_id: str, *, after: int, limit: int
) -> HistoryPage:
    """The entries after `after`, as of the order read now; the view's access rules (404)."""
    actor = await service.actor_of(principal)
    order, _ = await service.load(order_id, actor)
    entries = await service.orders.history_page(order, after=after, limit=limit)
    last = entries[-1][0] if entries else None
    more = last is not None and last < history_total(order)
    return HistoryPage(entries=entries, next_after=last if more else None)
