"""The development sign-in (ENV=development only; production has no such route): the demo
accounts, and a token for one of them signed with the development secret.

In production the marketplace's sign-in hands the page its token; these routes do not exist.
`GET /dev/accounts?seller_id=` lists any registered shop's main account and staff instead (from
order-svc's staff records, ids `<role>:<seller_id>:<sub>`), so a test's own shop can sign in too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from aftersales_shared.auth import Principal, Role, issue_token
from aftersales_shared.errors import NotFound
from aftersales_shared.ids import Id
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from order_svc.entrypoints.deps import SellersDep
from order_svc.handlers import SellerService

SHOP_A, SHOP_B = "demo-shop-a", "demo-shop-b"
PHONES, APPLIANCES = "手机通讯", "家用电器"
CATEGORIES = (PHONES, APPLIANCES)
"""The demo shops' after-sales categories, in the words a seller uses (售后分类)."""


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

SIGN_IN = Principal(sub="dev-sign-in", role=Role.PLATFORM_AGENT)
"""Who reads a shop's staff records for the sign-in page."""
router = APIRouter(prefix="/dev", tags=["development sign-in (ENV=development only)"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account: str = Field(min_length=1, max_length=200)


async def shop_accounts(sellers: SellerService, seller_id: str) -> list[DemoAccount]:
    """A registered shop's main account and staff, as its staff records hold them now."""
    try:
        seller = await sellers.get(SIGN_IN, seller_id)
    except NotFound:
        return []
    admin = DemoAccount(
        f"{Role.SELLER_ADMIN}:{seller_id}:{seller_id}",
        Role.SELLER_ADMIN,
        f"{seller.name} 主账号",
        seller_id,
    )
    staff = [
        DemoAccount(
            f"{Role.SELLER_STAFF}:{seller_id}:{m.staff_id}",
            Role.SELLER_STAFF,
            m.name,
            seller_id,
            tuple(sorted(m.permissions)),
            tuple(sorted(m.categories)),
        )
        for m in seller.staff.values()
    ]
    return [admin, *staff]


async def account_of(sellers: SellerService, account_id: str) -> tuple[DemoAccount, str]:
    """The account and its token's `sub`: a demo account's id, a shop account's own name."""
    if account_id in BY_ID:
        return BY_ID[account_id], account_id
    _, _, rest = account_id.partition(":")
    seller_id, _, sub = rest.partition(":")
    for account in await shop_accounts(sellers, seller_id) if seller_id else []:
        if account.id == account_id:
            return account, sub
    raise NotFound(f"no demo account {account_id}")


@router.get("/accounts", summary="The demo accounts, or one shop's (development only)")
async def accounts(sellers: SellersDep, seller_id: Id | None = None) -> dict[str, Any]:
    found = DEMO_ACCOUNTS if seller_id is None else await shop_accounts(sellers, seller_id)
    return {"items": [asdict(a) for a in found]}


@router.post(
    "/tokens",
    summary="A token for a demo account (development only)",
    responses={404: {"description": "No demo account, or no such shop account, has that id"}},
)
async def token(body: TokenRequest, request: Request, sellers: SellersDep) -> dict[str, Any]:
    account, sub = await account_of(sellers, body.account)
    minted = issue_token(
        secret=request.app.state.auth_secret,
        sub=sub,
        role=account.role,
        seller_id=account.seller_id,
        now=datetime.now(UTC),
    )
    return {"token": minted, "account": asdict(account)}
