"""FastAPI dependencies and the idempotent-response helper every state-changing route uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from aftersales_shared.api_description import IdempotencyKey
from aftersales_shared.auth import CurrentPrincipal, Principal
from aftersales_shared.persistence import StoredResponse
from aftersales_shared.service import Container, idempotency_of, wired
from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from order_svc.handlers import OrderService, SellerService

__all__ = [
    "Action",
    "CorrelationDep",
    "IdempotencyKey",
    "OrderContainer",
    "OrdersDep",
    "SellersDep",
    "WriteDep",
    "idempotent",
]
Action = Callable[[str | None], Awaitable[tuple[int, Any]]]
"""A state-changing route's work: given the key's slot id (or None), its status and body."""


@dataclass(frozen=True, kw_only=True)
class OrderContainer(Container):
    """What `bootstrap` builds: the use cases the routes are given, and the frame's parts."""

    orders: OrderService
    sellers: SellerService


async def correlation_id(request: Request) -> str | None:
    value: str | None = request.scope.get("state", {}).get("correlation_id")
    return value


OrdersDep = Annotated[OrderService, Depends(wired(OrderContainer, lambda c: c.orders))]
SellersDep = Annotated[SellerService, Depends(wired(OrderContainer, lambda c: c.sellers))]
CorrelationDep = Annotated[str | None, Depends(correlation_id)]


async def idempotent(
    *,
    request: Request,
    principal: Principal,
    key: str | None,
    body: Any,
    action: Action,
) -> JSONResponse:
    """Run `action` once per (tenant, caller, route, key); a retry replays the stored answer.

    `action` gets the key's slot id (None without a key) to record on the change it makes, so
    that a retry after a crash finds the change instead of making it again.
    """
    if key is None:
        status, payload = await action(None)
        return JSONResponse(payload, status)

    async def run(request_id: str | None) -> StoredResponse:
        status, payload = await action(request_id)
        return StoredResponse(status=status, body=jsonable_encoder(payload))

    stored = await idempotency_of(request).run(
        principal=principal,
        route=f"{request.method} {request.url.path}",
        key=key,
        request_body=jsonable_encoder(body),
        action=run,
    )
    return JSONResponse(stored.body, stored.status)


@dataclass(frozen=True)
class Write:
    """What every state-changing route takes besides its body: the caller, the request, its
    Idempotency-Key and correlation id."""

    request: Request
    principal: Principal
    key: str | None
    correlation_id: str | None

    async def once(self, body: Any, action: Action) -> JSONResponse:
        """`action` run once for this key (see `idempotent`)."""
        return await idempotent(
            request=self.request, principal=self.principal, key=self.key, body=body, action=action
        )


async def write_context(
    request: Request,
    principal: CurrentPrincipal,
    key: IdempotencyKey = None,
    cid: CorrelationDep = None,
) -> Write:
    return Write(request=request, principal=principal, key=key, correlation_id=cid)


WriteDep = Annotated[Write, Depends(write_context)]
