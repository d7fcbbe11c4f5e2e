"""The seller's notices and webhooks over HTTP: GET /v1/notices, PUT /v1/webhooks/{seller_id},
its deliveries and the platform's redelivery."""

from __future__ import annotations

from typing import Annotated

from aftersales_shared.auth import CurrentPrincipal, Principal, Role
from aftersales_shared.contracts.notices import NoticeKind
from aftersales_shared.errors import NotPermitted
from aftersales_shared.ids import Id
from fastapi import APIRouter, Query

from sms_svc.entrypoints.deps import NoticesDep, StaffDep, WebhooksDep, WorkerDep
from sms_svc.entrypoints.notice_views import (
    DeliveryOut,
    DeliveryPage,
    NoticePage,
    WebhookIn,
    WebhookOut,
    delivery_out,
    notice_out,
    webhook_out,
)
from sms_svc.entrypoints.views import cursor_after, decode_cursor
from sms_svc.ports import NoticeQuery

router = APIRouter(prefix="/v1", tags=["notices"])
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/notices", summary="The seller's notices, newest first")
async def list_notices(
    notices: NoticesDep,
    directory: StaffDep,
    principal: CurrentPrincipal,
    seller_id: Id | None = None,
    kind: NoticeKind | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> NoticePage:
    """Platform agents see every seller's (or `seller_id`'s); a main account its seller's; a
    sub-account its categories' (a notice about no single order is for the main account)."""
    scope = await directory.scope_of(principal)
    if scope.seller_id is not None and seller_id not in (None, scope.seller_id):
        raise NotPermitted("a seller reads only its own notices")
    if scope.nothing:
        return NoticePage(items=[], next_cursor=None)
    query = NoticeQuery(
        seller_id=scope.seller_id or seller_id, kind=kind, categories=scope.categories,
        after=decode_cursor(cursor) if cursor else None, limit=limit + 1,
    )  # fmt: skip
    found = await notices.page(query)
    page, more = found[:limit], len(found) > limit
    last = page[-1] if more and page else None
    return NoticePage(
        items=[notice_out(n) for n in page],
        next_cursor=cursor_after(last.at, last.id) if last else None,
    )


def _main_account_of(principal: Principal, seller_id: str) -> None:
    if principal.role != Role.SELLER_ADMIN or principal.seller_id != seller_id:
        raise NotPermitted("only the seller's main account sets its webhook")


def _reader_of(principal: Principal, seller_id: str) -> None:
    if principal.role == Role.PLATFORM_AGENT:
        return
    if principal.role != Role.SELLER_ADMIN or principal.seller_id != seller_id:
        raise NotPermitted("a seller's main account or the platform reads its deliveries")


@router.put("/webhooks/{seller_id}", summary="Set the seller's webhook (main account)")
async def put_webhook(
    seller_id: Id, body: WebhookIn, webhooks: WebhooksDep, principal: CurrentPrincipal
) -> WebhookOut:
    """Every notice is then POSTed there as JSON, `X-Signature: sha256=<hex HMAC-SHA256 of the
    body>` with `secret`, `X-Notice-Id` for de-duplication; 422 for a refused URL."""
    _main_account_of(principal, seller_id)
    subscription = await webhooks.subscribe(seller_id=seller_id, url=body.url, secret=body.secret)
    return webhook_out(subscription)


@router.get("/webhooks/{seller_id}/deliveries", summary="Each notice's delivery and attempts")
async def list_deliveries(
    seller_id: Id,
    webhooks: WebhooksDep,
    principal: CurrentPrincipal,
    cursor: str | None = None,
    limit: Limit = 50,
) -> DeliveryPage:
    """Newest first: status code, attempts, next retry, dead (seller_admin, platform_agent)."""
    _reader_of(principal, seller_id)
    after = decode_cursor(cursor) if cursor else None
    found = await webhooks.history(seller_id=seller_id, after=after, limit=limit + 1)
    page, more = found[:limit], len(found) > limit
    last = page[-1] if more and page else None
    return DeliveryPage(
        items=[delivery_out(d) for d in page],
        next_cursor=cursor_after(last.created_at, last.id) if last else None,
    )


@router.post(
    "/webhooks/{seller_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    summary="Send a delivery again (platform agents)",
)
async def redeliver(
    seller_id: Id,
    delivery_id: Id,
    webhooks: WebhooksDep,
    worker: WorkerDep,
    principal: CurrentPrincipal,
) -> DeliveryOut:
    """A new round of attempts, due at once; 404 for another seller's or an unknown delivery."""
    if principal.role != Role.PLATFORM_AGENT:
        raise NotPermitted("only platform agents redeliver")
    delivery = await webhooks.redeliver(delivery_id, seller_id=seller_id)
    worker.wake()
    return delivery_out(delivery)
