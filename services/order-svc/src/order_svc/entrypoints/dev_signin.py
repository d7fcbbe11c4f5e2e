"""Development sign-in (ENV=development only; production never mounts this router).

`GET /dev/accounts?seller_id=` lists the accounts of a shop (its main account and its staff,
from order-svc's own staff records); `POST /dev/tokens` with `{"account": id}` mints that
account's token with the development secret, as the marketplace's sign-in would in production.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aftersales_shared.auth import Principal, Role, issue_token
from aftersales_shared.errors import NotFound
from aftersales_shared.ids import Id
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from order_svc.config import Settings
from order_svc.entrypoints.deps import SellersDep

router = APIRouter(prefix="/dev", tags=["development sign-in"])
SIGN_IN = Principal(sub="dev-sign-in", role=Role.PLATFORM_AGENT)


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(min_length=3, max_length=200, examples=["seller_admin:shop-a:shop-a"])
    """An `id` from `GET /dev/accounts`: role, seller id and sub joined by colons."""


def _account(role: Role, seller_id: str, sub: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"{role}:{seller_id}:{sub}", "role": role, "seller_id": seller_id, "sub": sub,
            "name": name, **extra}  # fmt: skip


@router.get("/accounts", summary="The demo accounts of the given shops (development only)")
async def accounts(request: Request, sellers: SellersDep, seller_id: Id | None = None) -> Any:
    settings: Settings = request.app.state.runtime.settings
    shops = [seller_id] if seller_id else list(settings.demo_seller_ids)
    found: list[dict[str, Any]] = []
    for shop in shops:
        try:
            seller = await sellers.get(SIGN_IN, shop)
        except NotFound:
            continue
        found.append(_account(Role.SELLER_ADMIN, shop, shop, f"{seller.name} 主账号"))
        for member in seller.staff.values():
            found.append(_account(Role.SELLER_STAFF, shop, member.staff_id, member.name,
                                  permissions=sorted(member.permissions)))  # fmt: skip
    return {"accounts": found}


@router.post("/tokens", summary="Mint a demo account's token (development only)")
async def tokens(body: TokenRequest, request: Request) -> dict[str, str]:
    settings: Settings = request.app.state.runtime.settings
    role_name, _, rest = body.account.partition(":")
    seller_id, _, sub = rest.partition(":")
    if role_name not in (Role.SELLER_ADMIN, Role.SELLER_STAFF) or not seller_id or not sub:
        raise NotFound(f"account {body.account} not found")
    token = issue_token(
        secret=settings.auth_secret.get_secret_value(),
        sub=sub,
        role=Role(role_name),
        seller_id=seller_id,
        now=request.app.state.runtime.clock.now(),
        ttl=timedelta(hours=12),
    )
    return {"token": token}
