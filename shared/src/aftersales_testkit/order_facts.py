"""The order facts an application points at, for tests and benchmarks that apply as a customer.

`order_facts_for(application, customer_id)` is the `POST /v1/orders` body that makes the
application's `seller_id`, `paid_amount` (as the whole line's total for its quantity) and
`customer_tier` the record's; `place_order_for` posts it as the order system would.
"""

from __future__ import annotations

from typing import Any

import httpx

from aftersales_testkit.helpers import bearer

PAID_AT = "2026-11-20T10:00:00+08:00"


def order_facts_for(application: dict[str, Any], customer_id: str) -> dict[str, Any]:
    """The facts under which `application`, as sent by `customer_id`, is exactly right."""
    paid = application.get("paid_amount", "199.00")
    return {
        "order_no": application["order_no"],
        "seller_id": application["seller_id"],
        "customer_id": customer_id,
        "customer_tier": application.get("customer_tier") or "REGULAR",
        "paid_at": PAID_AT,
        "lines": [
            {
                "sku": application["sku"],
                "quantity": application.get("quantity", 1),
                "paid_amount": str(paid),
            }
        ],
    }


async def place_order_for(
    client: httpx.AsyncClient,
    application: dict[str, Any],
    customer_id: str,
    *,
    headers: dict[str, str] | None = None,
    base: str = "",
) -> httpx.Response:
    """Post the facts of `application`'s order; the same again is a no-op (200)."""
    r = await client.post(
        f"{base}/v1/orders",
        json=order_facts_for(application, customer_id),
        headers=headers or bearer("platform_agent", sub="order-system"),
    )
    assert r.status_code in (200, 201, 409), r.text
    return r
