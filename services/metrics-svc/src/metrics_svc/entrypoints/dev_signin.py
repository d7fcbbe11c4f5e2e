"""The QC dashboard's development sign-in (ENV=development only; production never mounts it):
one demo qc_analyst account, whose token is minted with the development secret. Under
/dashboard/ so that the gateway sends it here (order-svc has the workbench's /dev/)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aftersales_shared.auth import Role, issue_token
from aftersales_shared.errors import NotFound
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

router = APIRouter(prefix="/dashboard/dev", tags=["development sign-in"])
ANALYST = {"id": "qc_analyst:qc-dev", "role": "qc_analyst", "sub": "qc-dev", "name": "QC analyst"}


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str


@router.get("/accounts", summary="The demo QC analyst (development only)")
async def accounts() -> dict[str, Any]:
    return {"accounts": [ANALYST]}


@router.post(
    "/tokens",
    summary="The demo QC analyst's token (development only)",
    responses={404: {"description": "No demo account has that id"}},
)
async def tokens(body: Account, request: Request) -> dict[str, str]:
    if body.account != ANALYST["id"]:
        raise NotFound(f"account {body.account} not found")
    runtime = request.app.state.runtime
    secret = runtime.settings.auth_secret.get_secret_value()
    now = runtime.clock.now()
    minted = issue_token(secret=secret, sub="qc-dev", role=Role.QC_ANALYST, now=now,
                         ttl=timedelta(hours=12))  # fmt: skip
    return {"token": minted}
