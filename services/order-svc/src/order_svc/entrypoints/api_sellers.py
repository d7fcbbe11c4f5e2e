"""Sellers and their staff."""

from __future__ import annotations

from typing import Any

from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.errors import Conflict
from aftersales_shared.ids import Id, KeyId
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from order_svc.domain.seller import Seller, Staff, StaffChange
from order_svc.entrypoints.deps import SellersDep, WriteDep
from order_svc.handlers.sellers import SellerChange

router = APIRouter(prefix="/v1/sellers", tags=["sellers and staff"])


@router.post("", status_code=201, summary="Register a seller (platform)")
async def create_seller(body: Seller, sellers: SellersDep, write: WriteDep) -> JSONResponse:
    principal = write.principal

    async def action(request_id: str | None) -> tuple[int, Any]:
        try:
            return 201, (await sellers.create(principal, body)).model_dump(mode="json")
        except Conflict:
            # A retry of a keyed request whose first attempt died after its write: the seller
            # it registered, exactly as asked (the key's fingerprint says the body is the same).
            created = body.model_copy(update={"staff": {}})
            if (
                request_id is None
                or _without_staff(await sellers.get(principal, body.seller_id)) != created
            ):
                raise
            return 201, created.model_dump(mode="json")

    return await write.once(body, action)


@router.get("/{seller_id}", summary="A seller (its own accounts, the platform)")
async def get_seller(seller_id: Id, principal: CurrentPrincipal, sellers: SellersDep) -> Any:
    return (await sellers.get(principal, seller_id)).model_dump(mode="json")


@router.patch("/{seller_id}", summary="Change name or after-sales contact phone")
async def update_seller(
    seller_id: Id, body: SellerChange, principal: CurrentPrincipal, sellers: SellersDep
) -> Any:
    return (await sellers.update(principal, seller_id, body)).model_dump(mode="json")


@router.post("/{seller_id}/staff", status_code=201, summary="Add a sub-account (at most 10)")
async def add_staff(
    seller_id: Id, body: Staff, sellers: SellersDep, write: WriteDep
) -> JSONResponse:
    principal = write.principal

    async def action(request_id: str | None) -> tuple[int, Any]:
        try:
            seller = await sellers.add_staff(principal, seller_id, body)
        except Conflict:  # as for a seller: the sub-account a dead attempt added, as asked
            seller = await sellers.get(principal, seller_id)
            if request_id is None or seller.staff.get(body.staff_id) != body:
                raise
        return 201, seller.staff[body.staff_id].model_dump(mode="json")

    return await write.once(body, action)


@router.get("/{seller_id}/staff", summary="The sub-accounts (main account)")
async def list_staff(seller_id: Id, principal: CurrentPrincipal, sellers: SellersDep) -> Any:
    return {
        "items": [s.model_dump(mode="json") for s in await sellers.list_staff(principal, seller_id)]
    }


@router.patch("/{seller_id}/staff/{staff_id}", summary="Change permissions or categories")
async def change_staff(
    seller_id: Id,
    staff_id: KeyId,
    body: StaffChange,
    principal: CurrentPrincipal,
    sellers: SellersDep,
) -> Any:
    seller = await sellers.change_staff(principal, seller_id, staff_id, body)
    return seller.staff[staff_id].model_dump(mode="json")


@router.delete("/{seller_id}/staff/{staff_id}", status_code=204, summary="Remove a sub-account")
async def remove_staff(
    seller_id: Id, staff_id: KeyId, principal: CurrentPrincipal, sellers: SellersDep
) -> Response:
    await sellers.remove_staff(principal, seller_id, staff_id)
    return Response(status_code=204)


def _without_staff(seller: Seller) -> Seller:
    return seller.model_copy(update={"staff": {}})
