"""The marketplace's order system records its orders; the parties read what is claimed of them."""

from __future__ import annotations

from typing import Any

from aftersales_shared.auth import CurrentPrincipal
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from order_svc.domain.commands import OrderNo
from order_svc.domain.order_facts import PlaceOrder
from order_svc.entrypoints.deps import FactsDep, WriteDep

router = APIRouter(prefix="/v1", tags=["orders"])

EXAMPLE = {
    "order_no": "JD20261201001",
    "seller_id": "seller-1",
    "customer_id": "cust-42",
    "customer_tier": "DIAMOND",
    "paid_at": "2026-12-01T10:00:00+08:00",
    "lines": [{"sku": "SKU-PHONE-1", "quantity": 2, "paid_amount": "1999.99"}],
}


@router.post(
    "/orders",
    status_code=201,
    summary="Record an order's facts (the marketplace's order system, platform_agent)",
    description=(
        "Idempotent by `order_no`: 201 when recorded, 200 with the stored facts when the same "
        "facts come again, 409 `order_facts_differ` for other facts under a known `order_no`. "
        "`customer_id` is the customer's token `sub`; `paid_amount` is the line's total."
    ),
    responses={200: {"description": "The same facts again: the stored ones, nothing changed"}},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"examples": {"order": {"value": EXAMPLE}}}}
        }
    },
)
async def place_order(body: PlaceOrder, facts: FactsDep, write: WriteDep) -> JSONResponse:
    async def action(_request_id: str | None) -> tuple[int, Any]:
        created, stored = await facts.place_as(write.principal, body)
        return (201 if created else 200), await facts.view(write.principal, stored.order_no)

    return await write.once(body, action)


@router.get(
    "/orders/{order_no}",
    summary="An order's facts and what is claimed of each line (platform, its customer, seller)",
)
async def get_order_facts(
    order_no: OrderNo, principal: CurrentPrincipal, facts: FactsDep
) -> dict[str, Any]:
    return await facts.view(principal, order_no)
