"""The audit (with its images) and the batch commands: assign and batch audit."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.errors import Invalid
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from order_svc.domain import commands as c
from order_svc.domain.effects import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from order_svc.domain.model import AUDIT_COMMANDS, BATCH_AUDIT_RESULTS, AuditResult, Cmd
from order_svc.entrypoints.deps import CorrelationDep, IdempotencyKey, OrdersDep, idempotent
from order_svc.entrypoints.views import order_view

router = APIRouter(prefix="/v1", tags=["audit and batches"])
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
    async def action(request_id: str | None) -> tuple[int, Any]:
        uploads = [(_decode(u), u) for u in body.attachments]
        metas = [
            c.AttachmentMeta(
                # keyed: a re-run after a crash writes the same images again, not new ones
                id=f"{order_id}.{orders.ids() if request_id is None else f'{request_id}-{n}'}",
                filename=u.filename,
                content_type=u.content_type,
                size_bytes=len(data),
            )
            for n, (data, u) in enumerate(uploads)
        ]
        payload = c.Audit(
            result=body.result, opinion=body.opinion, attachments=metas, reship_sku=body.reship_sku
        )
        if uploads:  # images are stored only for an order the caller may see
            actor = await orders.actor_of(principal)
            await orders.load(order_id, actor, for_update=True)
        for meta, (data, _) in zip(metas, uploads, strict=True):
            await orders.attachments.put(
                attachment_id=meta.id, order_id=order_id, meta=meta.model_dump(), data=data
            )
        order, actor = await orders.command(
            principal,
            order_id,
            lambda _a: (AUDIT_COMMANDS[body.result], payload),
            correlation_id=cid,
            request=request_id,
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
    async def action(request_id: str | None) -> tuple[int, Any]:
        target = await orders.staff_target(principal, body.staff_id)
        results = await orders.batch(
            principal,
            body.ids,
            lambda _a: (Cmd.ASSIGN, target),
            correlation_id=cid,
            request=request_id,
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
    async def action(request_id: str | None) -> tuple[int, Any]:
        if body.result not in BATCH_AUDIT_RESULTS:
            raise Invalid("a batch audit may only REJECT or CUSTOMER_ABANDON", field="result")
        payload = c.Audit(result=body.result, opinion=body.opinion)
        results = await orders.batch(
            principal,
            body.ids,
            lambda _a: (AUDIT_COMMANDS[body.result], payload),
            correlation_id=cid,
            request=request_id,
        )
        return 200, {"results": results}

    return await idempotent(request=request, principal=principal, key=key, body=body, action=action)
