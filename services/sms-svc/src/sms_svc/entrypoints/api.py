"""The delivery log over HTTP: GET /v1/messages (filtered, paged) and an operator's retry."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from aftersales_shared.auth import SELLER_ROLES, CurrentPrincipal, Principal, Role
from aftersales_shared.errors import Invalid, NotFound, NotPermitted
from aftersales_shared.service import RuntimeDep
from aftersales_shared.store import Doc, StoredResponse
from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from sms_svc.domain.message import Status
from sms_svc.domain.phone import InvalidPhone, mask_phone, normalize_phone
from sms_svc.entrypoints.sweeper import Sweeper
from sms_svc.handlers import SmsService

router = APIRouter(prefix="/v1", tags=["messages"])
_DIGITS = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


class AttemptOut(BaseModel):
    at: datetime
    duration_ms: int
    outcome: str
    answer: str


class MessageOut(BaseModel):
    id: str
    status: Status
    reason: str | None
    template: str
    phone: str
    """Masked (138****1234) for sellers; in full for the platform."""
    text: str | None
    order_id: str | None
    seller_id: str | None
    idempotency_key: str | None
    provider: str
    provider_ref: str | None
    attempts: list[AttemptOut]
    operator_retries: int
    created_at: datetime
    updated_at: datetime


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None
    """Pass as `cursor` for the next (older) page; null on the last page."""


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _visible_to(principal: Principal) -> dict[str, Any]:
    """The filter a caller's role imposes; customers and QC analysts may not read the log."""
    if principal.role == Role.PLATFORM_AGENT:
        return {}
    if principal.role in SELLER_ROLES:
        return {"seller_id": principal.seller_id}
    raise NotPermitted("the SMS delivery log is for the platform and sellers")


def _out(doc: Doc, principal: Principal) -> MessageOut:
    masked = principal.role != Role.PLATFORM_AGENT

    def scrub(text: str) -> str:
        return _DIGITS.sub(r"\1****\3", text) if masked else text

    return MessageOut(
        id=doc["_id"],
        status=Status(doc["status"]),
        reason=scrub(doc["reason"]) if doc.get("reason") else None,
        template=doc["template"],
        phone=mask_phone(doc["phone"]) if masked else doc["phone"],
        text=doc.get("text"),
        order_id=doc.get("order_id"),
        seller_id=doc.get("seller_id"),
        idempotency_key=doc.get("idempotency_key"),
        provider=doc["provider"],
        provider_ref=doc.get("provider_ref"),
        attempts=[
            AttemptOut(
                at=_at(a["at_ms"]),
                duration_ms=a["duration_ms"],
                outcome=a["outcome"],
                answer=scrub(a["answer"]),
            )
            for a in doc.get("attempts", [])
        ],
        operator_retries=int(doc.get("operator_retries", 0)),
        created_at=_at(doc["created_at_ms"]),
        updated_at=_at(doc["updated_at_ms"]),
    )


def _decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        at, last = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return int(at), last
    except ValueError:
        raise Invalid("cursor is not one this API handed out") from None


def _encode_cursor(doc: Doc) -> str:
    return base64.urlsafe_b64encode(f"{doc['created_at_ms']}|{doc['_id']}".encode()).decode()


@router.get("/messages", summary="The SMS delivery log, newest first")
async def list_messages(
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    order_id: str | None = None,
    phone: Annotated[str | None, Query(description="With or without +86")] = None,
    template: str | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> MessagePage:
    """Platform agents see every message; a seller only its own orders' ones, phones masked."""
    filters = _visible_to(principal)
    if order_id is not None:
        filters["order_id"] = order_id
    if phone is not None:
        try:
            filters["phone"] = normalize_phone(phone)
        except InvalidPhone as exc:
            raise Invalid(f"phone: {exc}") from None
    if template is not None:
        filters["template"] = template
    if status is not None:
        filters["status"] = status.value
    service: SmsService = runtime.extras["sms"]
    after = _decode_cursor(cursor) if cursor else None
    docs = await service.messages.search(filters=filters, after=after, limit=limit + 1)
    page, more = docs[:limit], len(docs) > limit
    return MessagePage(
        items=[_out(d, principal) for d in page],
        next_cursor=_encode_cursor(page[-1]) if more and page else None,
    )


@router.get("/messages/{message_id}", summary="One message with its attempts")
async def get_message(
    message_id: str, runtime: RuntimeDep, principal: CurrentPrincipal
) -> MessageOut:
    """404 for a message that does not exist or is another seller's."""
    scope = _visible_to(principal)
    service: SmsService = runtime.extras["sms"]
    doc = await service.messages.get(message_id)
    if doc is None or any(doc.get(k) != v for k, v in scope.items()):
        raise NotFound("no such message")
    return _out(doc, principal)


@router.post(
    "/messages/{message_id}/retry",
    status_code=202,
    summary="Re-send a FAILED message (platform agents)",
    responses={202: {"model": MessageOut}},
)
async def retry_message(
    message_id: str,
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """FAILED → QUEUED, delivered again at once by the background worker; 409 otherwise."""
    if principal.role != Role.PLATFORM_AGENT:
        raise NotPermitted("only platform agents re-send messages")
    service: SmsService = runtime.extras["sms"]
    sweeper: Sweeper = runtime.extras["sweeper"]

    async def action() -> StoredResponse:
        doc = await service.retry(message_id)
        sweeper.wake()
        return StoredResponse(status=202, body=_out(doc, principal).model_dump(mode="json"))

    answer = await runtime.idempotency.run(
        scope=f"{principal.sub}|retry|{message_id}",
        key=idempotency_key,
        request_body={},
        action=action,
    )
    return JSONResponse(status_code=answer.status, content=answer.body)
