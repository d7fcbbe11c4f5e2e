"""The delivery log over HTTP: GET /v1/messages (filtered, paged) and an operator's retry."""

from __future__ import annotations

from typing import Annotated

from aftersales_shared.api_description import IdempotencyKey
from aftersales_shared.auth import CurrentPrincipal, Role
from aftersales_shared.errors import NotFound, NotPermitted
from aftersales_shared.ids import Id
from aftersales_shared.persistence import StoredResponse
from aftersales_shared.phones import Phone
from aftersales_shared.service import IdempotencyDep
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from sms_svc.domain.message import Status
from sms_svc.entrypoints.deps import SmsDep, StaffDep, SweeperDep
from sms_svc.entrypoints.views import (
    MessageOut,
    MessagePage,
    decode_cursor,
    encode_cursor,
    message_out,
)
from sms_svc.ports import MessageQuery

router = APIRouter(prefix="/v1", tags=["messages"])


@router.get("/messages", summary="The SMS delivery log, newest first")
async def list_messages(
    service: SmsDep,
    directory: StaffDep,
    principal: CurrentPrincipal,
    order_id: Id | None = None,
    phone: Annotated[Phone | None, Query(description="With or without +86")] = None,
    template: str | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> MessagePage:
    """Platform agents see every message; a seller its own, staff their categories', masked."""
    scope = await directory.scope_of(principal)
    after = decode_cursor(cursor) if cursor else None
    if scope.nothing:
        return MessagePage(items=[], next_cursor=None)
    filters: dict[str, str] = {}
    if scope.seller_id is not None:
        filters["seller_id"] = scope.seller_id
    if order_id is not None:
        filters["order_id"] = order_id
    if phone is not None:
        filters["phone"] = phone
    if template is not None:
        filters["template"] = template
    if status is not None:
        filters["status"] = status.value
    query = MessageQuery(filters=filters, after=after, limit=limit + 1, categories=scope.categories)
    found = await service.messages.search(query)
    page, more = found[:limit], len(found) > limit
    return MessagePage(
        items=[message_out(d, principal) for d in page],
        next_cursor=encode_cursor(page[-1]) if more and page else None,
    )


@router.get("/messages/{message_id}", summary="One message with its attempts")
async def get_message(
    message_id: Id, service: SmsDep, directory: StaffDep, principal: CurrentPrincipal
) -> MessageOut:
    """404 for a message that does not exist, is another seller's or outside staff's categories."""
    scope = await directory.scope_of(principal)
    message = None if scope.nothing else await service.messages.get(message_id)
    if message is None or not scope.admits(message):
        raise NotFound("no such message")
    return message_out(message, principal)


@router.post(
    "/messages/{message_id}/retry",
    status_code=202,
    summary="Re-send a FAILED message (platform agents)",
    responses={202: {"model": MessageOut}},
)
async def retry_message(
    message_id: Id,
    service: SmsDep,
    sweeper: SweeperDep,
    idempotency: IdempotencyDep,
    principal: CurrentPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """FAILED → QUEUED, delivered again at once by the background worker; 409 otherwise."""
    if principal.role != Role.PLATFORM_AGENT:
        raise NotPermitted("only platform agents re-send messages")

    async def action(_request: str | None) -> StoredResponse:
        message = await service.retry(message_id)
        sweeper.wake()
        body = message_out(message, principal).model_dump(mode="json")
        return StoredResponse(status=202, body=body)

    answer = await idempotency.run(
        principal=principal,
        route=f"POST /v1/messages/{message_id}/retry",
        key=idempotency_key,
        request_body={},
        action=action,
    )
    return JSONResponse(status_code=answer.status, content=answer.body)
