"""The audit (with its images) and the batch commands: assign and batch audit."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from aftersales_shared.errors import AppError, Invalid
from aftersales_shared.ids import Id, KeyId
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from order_svc.domain import commands as c
from order_svc.domain.choices import BatchAuditResult
from order_svc.domain.effects import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from order_svc.domain.model import AUDIT_COMMANDS, AuditResult, Cmd
from order_svc.entrypoints.deps import OrdersDep, WriteDep
from order_svc.entrypoints.images import sniff
from order_svc.entrypoints.uploads import Upload
from order_svc.entrypoints.views import order_view

router = APIRouter(prefix="/v1", tags=["audit and batches"])
Ids = Annotated[list[Id], Field(min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuditBody(Strict):
    result: AuditResult
    opinion: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)
    attachments: list[Upload] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    reship_sku: c.Name | None = None


class AssignBody(Strict):
    ids: Ids
    staff_id: KeyId


class BatchItem(BaseModel):
    """What happened to one order of a batch: done (`status`), or refused (`error`, `message`)
    and left as it was. A refusal of one order does not hold back the others."""

    id: str
    ok: bool
    status: str | None = Field(default=None, description="the order's status when done")
    error: str | None = Field(
        default=None,
        description="why it was refused: not_found, forbidden, "
        "invalid_transition, locked, concurrent_modification, invalid",
    )
    message: str | None = None


class BatchAnswer(BaseModel):
    results: list[BatchItem] = Field(description="one per distinct id, in the order given")


BATCH_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": BatchAnswer, "description": "each order's outcome; 200 even if some refused"}
}


class BatchAuditBody(Strict):
    ids: Ids
    result: BatchAuditResult
    opinion: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)


@router.post("/service-orders/{order_id}/audit", summary="Audit (the claimer or main account)")
async def audit(order_id: Id, body: AuditBody, orders: OrdersDep, write: WriteDep) -> JSONResponse:
    principal, cid = write.principal, write.correlation_id

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
            result=body.result,
            opinion=body.opinion,
            note=body.note,
            attachments=metas,
            reship_sku=body.reship_sku,
        )
        if uploads:  # images are stored only for an order the caller may see
            actor = await orders.actor_of(principal)
            await orders.load(order_id, actor, for_update=True)
        for meta, (data, _) in zip(metas, uploads, strict=True):
            await orders.attachments.put(
                attachment_id=meta.id, order_id=order_id, meta=meta.model_dump(), data=data
            )
        try:
            order, actor = await orders.command(
                principal,
                order_id,
                lambda _a: (AUDIT_COMMANDS[body.result], payload),
                correlation_id=cid,
                request=request_id,
            )
        except AppError:  # refused, so not written: keep none of its images
            # (an error of unknown outcome keeps them: the write may have been applied)
            await orders.attachments.delete([m.id for m in metas])
            raise
        return 200, order_view(order, actor)

    return await write.once(body, action)


def _decode(upload: Upload) -> bytes:
    # Its pattern was checked; the decoded bytes are checked again, as they decide the type.
    data = base64.b64decode(upload.data_base64, validate=True)
    if len(data) >= MAX_ATTACHMENT_BYTES or sniff(data) != upload.content_type:
        raise Invalid(
            f"{upload.filename} is not a {upload.content_type} image", field="attachments"
        )
    return data


@router.post(
    "/service-orders/assign",
    summary="Assign orders to a sub-account (main account); each order done or refused on its own",
    responses=BATCH_DOC,
)
async def assign(body: AssignBody, orders: OrdersDep, write: WriteDep) -> JSONResponse:
    async def action(request_id: str | None) -> tuple[int, Any]:
        target = await orders.staff_target(write.principal, body.staff_id)
        results = await orders.batch(
            write.principal,
            body.ids,
            lambda _a: (Cmd.ASSIGN, target),
            correlation_id=write.correlation_id,
            request=request_id,
        )
        return 200, {"results": results}

    return await write.once(body, action)


@router.post(
    "/service-orders/batch-audit",
    summary="Batch audit: REJECT or CUSTOMER_ABANDON only; each order done or refused on its own",
    responses=BATCH_DOC,
)
async def batch_audit(body: BatchAuditBody, orders: OrdersDep, write: WriteDep) -> JSONResponse:
    async def action(request_id: str | None) -> tuple[int, Any]:
        payload = c.Audit(result=body.result, opinion=body.opinion, note=body.note)
        results = await orders.batch_audit(
            write.principal,
            body.ids,
            payload,
            correlation_id=write.correlation_id,
            request=request_id,
        )
        return 200, {"results": results}

    return await write.once(body, action)
