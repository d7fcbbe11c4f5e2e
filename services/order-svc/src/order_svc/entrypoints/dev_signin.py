"""The development sign-in (ENV=development only; production has no such route): the demo
accounts, and a token for one of them signed with the development secret.

In production the marketplace's sign-in hands the page its token; these routes do not exist.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from aftersales_shared.auth import Role, issue_token
from aftersales_shared.errors import NotFound
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

SHOP_A, SHOP_B = "demo-shop-a", "demo-shop-b"
CATEGORIES = ("phones", "appliances")


@dataclass(frozen=True)
class DemoAccount:
    id: str
    role: str
    label: str
    seller_id: str | None = None
    permissions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def _staff(shop: str, who: str, label: str, *permissions: str) -> DemoAccount:
    return DemoAccount(
        f"{shop}-{who}", Role.SELLER_STAFF, label, shop, permissions, categories=CATEGORIES
    )


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(f"{SHOP_A}-admin", Role.SELLER_ADMIN, "演示店铺A 主账号", SHOP_A),
    _staff(SHOP_A, "audit", "演示店铺A 审核员 (AUDIT)", "AUDIT"),
    _staff(SHOP_A, "process", "演示店铺A 处理员 (PROCESS)", "PROCESS"),
    _staff(SHOP_A, "both", "演示店铺A 售后 (AUDIT+PROCESS)", "AUDIT", "PROCESS"),
    DemoAccount(f"{SHOP_B}-admin", Role.SELLER_ADMIN, "演示店铺B 主账号", SHOP_B),
    _staff(SHOP_B, "both", "演示店铺B 售后 (AUDIT+PROCESS)", "AUDIT", "PROCESS"),
    DemoAccount("demo-customer", Role.CUSTOMER, "演示客户"),
    DemoAccount("demo-agent", Role.PLATFORM_AGENT, "京东客服 (platform agent)"),
    DemoAccount("demo-qc", Role.QC_ANALYST, "POP质控部 (QC analyst)"),
)
"""The accounts the demo data (scripts/demo_data.py) creates: each shop's main account, staff
with AUDIT, PROCESS and both, a customer, a platform agent, a QC analyst."""
BY_ID = {a.id: a for a in DEMO_ACCOUNTS}

router = APIRouter(prefix="/dev", tags=["development sign-in (ENV=development only)"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: str = Field(min_length=1, max_length=100)


@router.get("/accounts", summary="The demo accounts (development only)")
async def accounts() -> dict[str, Any]:
    return {"items": [asdict(a) for a in DEMO_ACCOUNTS]}


@router.post(
    "/tokens",
    summary="A token for a demo account (development only)",
    responses={404: {"description": "No demo account has that id"}},
)
async def token(body: TokenRequest, request: Request) -> dict[str, Any]:
    account = BY_ID.get(body.account)
    if account is None:
        raise NotFound(f"no demo account {body.account}")
    minted = issue_token(
        secret=request.app.state.auth_secret,
        sub=account.id,
        role=account.role,
        seller_id=account.seller_id,
        now=datetime.now(UTC),
    )
    return {"token": minted, "account": asdict(account)}
