"""Applying for and reading service orders; order management's exchange callback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.errors import NotFound
from aftersales_shared.ids import Id, KeyId
from aftersales_shared.phones import Phone
from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from order_svc.domain import commands as c
from order_svc.domain.model import Cmd, Status
from order_svc.domain.order import order_id_of_exchange
from order_svc.entrypoints.deps import OrdersDep, WriteDep
from order_svc.entrypoints.images import RASTER_TYPES, served_headers
from order_svc.entrypoints.pages import CURSOR, cursor_of, page
from order_svc.entrypoints.views import order_view
from order_svc.handlers.queries import due_before_ms
from order_svc.ports import OrderQuery

router = APIRouter(prefix="/v1", tags=["service orders"])


@router.post("/service-orders", status_code=201, summary="Apply for after-sales (customer)")
async def apply_for(body: c.Apply, orders: OrdersDep, write: WriteDep) -> JSONResponse:
    async def action(request_id: str | None) -> tuple[int, Any]:
        p = write.principal
        order = await orders.apply(p, body, correlation_id=write.correlation_id, request=request_id)
        return 201, order_view(order, await orders.actor_of(p))

    return await write.once(body, action)


@router.get("/service-orders", summary="List orders (yours only), newest first or soonest due")
async def list_orders(
    principal: CurrentPrincipal,
    orders: OrdersDep,
    status: Status | None = None,
    assignee: KeyId | None = None,
    customer_responded: bool | None = None,
    order_no: c.OrderNo | None = None,
    customer_phone: Annotated[
        Phone | None, Query(description="Any of 138…, +86138…, +86 138…, 86138…")
    ] = None,
    tracking_no: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    shipped: Annotated[
        bool | None, Query(description="In AWAITING_RETURN: the return shipment is recorded")
    ] = None,
    locked: Annotated[bool | None, Query(description="Under arbitration (京东介入)")] = None,
    due_within_hours: Annotated[
        int | None, Query(ge=1, le=24 * 60, description="Some deadline falls due within N hours")
    ] = None,
    sort: Annotated[
        Literal["created", "due"], Query(description="created: newest first; due: soonest first")
    ] = "created",
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR, description="sort=due: the `next_cursor` of the page before"),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    query = OrderQuery(
        status=status,
        assignee=assignee,
        customer_responded=customer_responded,
        order_no=order_no,
        customer_phone=customer_phone,
        tracking_no=tracking_no,
        shipped=shipped,
        locked=locked,
        due_before_ms=None
        if due_within_hours is None
        else due_before_ms(orders.clock, due_within_hours),
        sort=sort,
        after=cursor_of(cursor),
        offset=0 if cursor else offset,
        limit=limit + 1,
    )
    rows = await orders.search(principal, query)
    return page(rows, offset=query.offset, limit=limit, by_due=sort == "due")


@router.get("/service-orders/counts", summary="How many orders you see per state (tab badges)")
async def order_counts(
    principal: CurrentPrincipal,
    orders: OrdersDep,
    seller_id: Annotated[Id | None, Query(description="platform_agent: one seller's")] = None,
) -> dict[str, Any]:
    return await orders.counts(principal, seller_id=seller_id)


@router.get("/service-orders/{order_id}", summary="One order with its history")
async def get_order(order_id: Id, principal: CurrentPrincipal, orders: OrdersDep) -> Any:
    order, actor = await orders.view(principal, order_id)
    return order_view(order, actor, orders.clock.now())


@router.get(
    "/service-orders/{order_id}/attachments/{attachment_id}",
    summary="An audit image (seller and platform only; never the customer)",
)
async def get_attachment(
    order_id: Id, attachment_id: Id, principal: CurrentPrincipal, orders: OrdersDep
) -> Response:
    order, actor = await orders.view(principal, order_id)
    metas = order.audit.attachments if order.audit else []
    if actor.kind == "customer" or all(m.id != attachment_id for m in metas):
        raise NotFound(f"attachment {attachment_id} not found")
    stored = await orders.attachments.get(attachment_id)
    if stored is None:
        raise NotFound(f"attachment {attachment_id} not found")
    content_type = stored["content_type"]
    if content_type not in RASTER_TYPES:  # stored before only raster images were accepted
        content_type = "application/octet-stream"
    headers = served_headers(attachment_id=attachment_id, filename=str(stored["filename"]))
    return Response(bytes(stored["data"]), media_type=content_type, headers=headers)


@router.post(
    "/exchange-orders/{exchange_order_id}/shipped",
    summary="Order management: the exchange order has shipped (platform)",
)
async def exchange_shipped(
    exchange_order_id: Id, body: c.ExchangeShipped, orders: OrdersDep, write: WriteDep
) -> JSONResponse:
    async def action(request_id: str | None) -> tuple[int, Any]:
        order_id = order_id_of_exchange(exchange_order_id)
        if order_id is None:
            raise NotFound(f"exchange order {exchange_order_id} not found")
        payload = c.ExchangeShippedCmd(exchange_order_id=exchange_order_id, **body.model_dump())
        order, actor = await orders.command(
            write.principal,
            order_id,
            lambda _a: (Cmd.EXCHANGE_SHIPPED, payload),
            correlation_id=write.correlation_id,
            request=request_id,
        )
        return 200, order_view(order, actor)

    return await write.once(body, action)
