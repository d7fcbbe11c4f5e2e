"""Two order-svc processes on one database: each remembers the orders it last read or wrote, and
neither may decide on a memory that the other made stale."""

from __future__ import annotations

import httpx
import pytest
from api_support import Api

pytestmark = pytest.mark.integration
REFUND = {"outcome": "REFUND", "amount": "199.00", "reason": "defect"}


async def test_a_command_refused_on_a_stale_memory_is_decided_on_the_stored_order(
    api: Api, replica: httpx.AsyncClient
) -> None:
    await api.setup_seller()
    oid = (await api.apply())["id"]
    await api.do(oid, "claim", api.staff("both"))
    await api.do(oid, "audit", api.staff("both"), {"result": "APPROVE_RETURN"})
    shipment = {"carrier": "SF", "tracking_no": f"SF{api.unique}", "freight": "12.00"}
    await api.do(oid, "shipment", api.me, shipment)  # this process remembers AWAITING_RETURN
    r = await replica.post(
        f"/v1/service-orders/{oid}/receipt", json={"note": "ok"}, headers=api.staff("both")
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "PENDING_PROCESS"

    done = await api.do(oid, "process", api.staff("both"), REFUND)
    assert (done["status"], done["refund_amount"]) == ("PROVISIONALLY_DONE", "199.00")
    # a refusal that the stored order confirms stays a refusal
    again = await api.do(oid, "receipt", api.staff("both"), {"note": "twice"}, expect=409)
    assert again["error"]["code"] == "invalid_transition"
    assert (await api.get(oid))["version"] == done["version"]
