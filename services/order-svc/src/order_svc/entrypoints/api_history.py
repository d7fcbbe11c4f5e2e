"""An order's whole history, oldest first, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.ids import Id
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from order_svc.entrypoints.deps import OrdersDep
from order_svc.handlers.history import history_page

router = APIRouter(prefix="/v1", tags=["service orders"])


class HistoryItem(BaseModel):
    """One change of the order, as the view's `history` shows it, with its sequence number."""

    seq: int = Field(ge=1, description="1 for the application, then one more per change")
    at: datetime
    actor_id: str
    actor_role: str
    command: str
    status_from: str | None
    status_to: str
    detail: str


class HistoryPageOut(BaseModel):
    items: list[HistoryItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: no more")


Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{1,10}$",
        description="The `next_cursor` of the previous page; none: from the first entry",
    ),
]


@router.get(
    "/service-orders/{order_id}/history",
    summary="The order's whole history, oldest first (the parties, as the order itself)",
)
async def get_history(
    order_id: Id,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HistoryPageOut:
    page = await history_page(
        orders, principal, order_id, after=int(cursor) if cursor else 0, limit=limit
    )
    items = [
        HistoryItem(seq=n, **entry.model_dump(exclude={"request"})) for n, entry in page.entries
    ]
    nxt = None if page.next_after is None else str(page.next_after)
    return HistoryPageOut(items=items, next_cursor=nxt)
