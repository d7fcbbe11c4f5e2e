"""Applying, reading and the batch and audit commands of service orders."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.errors import Invalid, NotFound
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from order_svc.domain import commands as c
from order_svc.domain.effects import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from order_svc.domain.model import AUDIT_COMMANDS, BATCH_AUDIT_RESULTS, AuditResult, Cmd, Status
from order_svc.domain.order import order_id_of_exchange
from order_svc.entrypoints.deps import CorrelationDep, IdempotencyKey, OrdersDep, idempotent
from order_svc.entrypoints.views import order_view, summary_view
from order_svc.ports import OrderQuery

router = APIRouter(prefix="/v1", tags=["service orders"])
Ids = Annotated[list[str], Field(min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Upload(Strict):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str = Field(pattern=r"^image/[a-z0-9.+-]+$")
    data_base64: str = Field(min_length=1)


class AuditBody(Strict):
    result: AuditResult
    opinion: str | None = Field(default=None, max_length=2000)
    attachments: list[Upload] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    reship_sku: str | None = Field(default=None, min_length=1, max_length=100)


class AssignBody(Strict):
    ids: Ids
    staff_id: str = Field(min_length=1, max_length=100)


class BatchAuditBody(Strict):
    ids: Ids
    result: AuditResult
    opinion: str | None = Field(default=None, max_length=2000)


@router.post("/service-orders", status_code=201, summary="Apply for after-sales (customer)")
async def apply_for(
    body: c.Apply,
    request: Request,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> JSONResponse:
    async def action() -> tuple[int, Any]:
        order = await orders.apply(principal, body, correlation_id=cid)
        return 201, order_view(order, await orders.actor_of(principal))

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)


@router.get("/service-orders", summary="List orders (yours only), newest first")
async def list_orders(
    principal: CurrentPrincipal,
    orders: OrdersDep,
    status: Status | None = None,
    assignee: str | None = None,
    customer_responded: bool | None = None,
    order_no: str | None = None,
    customer_phone: str | None = None,
    tracking_no: str | None = None,
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
        offset=offset,
        limit=limit + 1,
    )
    rows = await orders.search(principal, query)
    more = len(rows) > limit
    return {
        "items": [summary_view(r) for r in rows[:limit]],
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if more else None,
    }


@router.get("/service-orders/{order_id}", summary="One order with its history")
async def get_order(order_id: str, principal: CurrentPrincipal, orders: OrdersDep) -> Any:
    order, actor = await orders.view(principal, order_id)
    return order_view(order, actor, orders.clock.now())


@router.get(
    "/service-orders/{order_id}/attachments/{attachment_id}",
    summary="An audit image (seller and platform only; never the customer)",
)
async def get_attachment(
    order_id: str, attachment_id: str, principal: CurrentPrincipal, orders: OrdersDep
) -> Response:
    order, actor = await orders.view(principal, order_id)
    metas = order.audit.attachments if order.audit else []
    if actor.kind == "customer" or all(m.id != attachment_id for m in metas):
        raise NotFound(f"attachment {attachment_id} not found")
    stored = await orders.attachments.get(attachment_id)
    if stored is None:
        raise NotFound(f"attachment {attachment_id} not found")
    return Response(bytes(stored["data"]), media_type=stored["content_type"])


@router.post("/service-orders/{order_id}/audit", summary="Audit (the claimer or main account)")
async def audit(
    order_id: str,
    body: AuditBody,
    request: Request,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> JSONResponse:
    async def action() -> tuple[int, Any]:
        uploads = [(_decode(u), u) for u in body.attachments]
        metas = [
            c.AttachmentMeta(
                id=f"{order_id}.{orders.ids()}",
                filename=u.filename,
                content_type=u.content_type,
                size_bytes=len(data),
            )
            for data, u in uploads
        ]
        payload = c.Audit(
            result=body.result, opinion=body.opinion, attachments=metas, reship_sku=body.reship_sku
        )
        actor = await orders.actor_of(principal)
        await orders.load(order_id, actor)
        for meta, (data, _) in zip(metas, uploads, strict=True):
            await orders.attachments.put(
                attachment_id=meta.id, order_id=order_id, meta=meta.model_dump(), data=data
            )
        order, actor = await orders.command(
            principal,
            order_id,
            lambda _a: (AUDIT_COMMANDS[body.result], payload),
            correlation_id=cid,
        )
        return 200, order_view(order, actor)

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)


def _decode(upload: Upload) -> bytes:
    try:
        data = base64.b64decode(upload.data_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(f"{upload.filename} is not valid base64", field="attachments") from None
    if len(data) >= MAX_ATTACHMENT_BYTES:
        raise Invalid(f"{upload.filename} is not under 800 KB", field="attachments")
    return data


@router.post("/service-orders/assign", summary="Assign orders to a sub-account (main account)")
async def assign(
    body: AssignBody,
    request: Request,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> JSONResponse:
    async def action() -> tuple[int, Any]:
        target = await orders.staff_target(principal, body.staff_id)
        results = await orders.batch(
            principal, body.ids, lambda _a: (Cmd.ASSIGN, target), correlation_id=cid
        )
        return 200, {"results": results}

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)


@router.post("/service-orders/batch-audit", summary="Batch audit: REJECT or CUSTOMER_ABANDON only")
async def batch_audit(
    body: BatchAuditBody,
    request: Request,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> JSONResponse:
    async def action() -> tuple[int, Any]:
        if body.result not in BATCH_AUDIT_RESULTS:
            raise Invalid("a batch audit may only REJECT or CUSTOMER_ABANDON", field="result")
        payload = c.Audit(result=body.result, opinion=body.opinion)
        results = await orders.batch(
            principal,
            body.ids,
            lambda _a: (AUDIT_COMMANDS[body.result], payload),
            correlation_id=cid,
        )
        return 200, {"results": results}

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)


@router.post(
    "/exchange-orders/{exchange_order_id}/shipped",
    summary="Order management: the exchange order has shipped (platform)",
)
async def exchange_shipped(
    exchange_order_id: str,
    body: c.ExchangeShipped,
    request: Request,
    principal: CurrentPrincipal,
    orders: OrdersDep,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> JSONResponse:
    async def action() -> tuple[int, Any]:
        order_id = order_id_of_exchange(exchange_order_id)
        if order_id is None:
            raise NotFound(f"exchange order {exchange_order_id} not found")
        payload = c.ExchangeShippedCmd(exchange_order_id=exchange_order_id, **body.model_dump())
        order, actor = await orders.command(
            principal, order_id, lambda _a: (Cmd.EXCHANGE_SHIPPED, payload), correlation_id=cid
        )
        return 200, order_view(order, actor)

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)
