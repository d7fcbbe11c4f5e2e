"""What the OpenAPI allows is accepted and what it forbids is refused (the conformance findings)."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


async def test_a_quantity_with_no_fraction_is_an_integer(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply(quantity=2.0)
    assert o["quantity"] == 2


@pytest.mark.parametrize(
    "change",
    [{"categories": ["phones", "phones"]}, {"permissions": ["AUDIT", "AUDIT"]}],
)
async def test_a_repeated_category_or_permission_is_422(api: Api, change: dict[str, Any]) -> None:
    await api.setup_seller()
    path = f"/v1/sellers/{api.seller}/staff"
    r = await api.client.patch(f"{path}/auditor", json=change, headers=api.boss)
    assert r.status_code == 422, r.text
    assert "listed twice" in r.json()["error"]["message"]
    new = {"staff_id": "extra", "name": "Extra"} | change
    r = await api.client.post(path, json=new, headers=api.boss)
    assert r.status_code == 422, r.text
    staff = (await api.client.get(path, headers=api.boss)).json()["items"]
    auditor = next(s for s in staff if s["staff_id"] == "auditor")
    assert (auditor["permissions"], auditor["categories"]) == (["AUDIT"], ["phones"])
    assert "extra" not in {s["staff_id"] for s in staff}


async def test_assigning_to_a_sub_account_that_is_not_yours_is_404(api: Api) -> None:
    await api.setup_seller()
    await api.setup_seller(seller=f"other-{api.unique}")
    o = await api.apply()
    body = {"ids": [o["id"]], "staff_id": "nobody"}
    r = await api.client.post("/v1/service-orders/assign", json=body, headers=api.boss)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "not_found"
    other_boss = api.who("seller_admin", seller=f"other-{api.unique}")
    body = {"ids": [o["id"]], "staff_id": "auditor"}  # the other seller has one by that name
    r = await api.client.post("/v1/service-orders/assign", json=body, headers=other_boss)
    assert r.status_code == 200, r.text  # a batch answers per order: not theirs reads as missing
    [item] = r.json()["results"]
    assert (item["id"], item["ok"], item["error"]) == (o["id"], False, "not_found")
    assert (await api.get(o["id"])).get("assignee") is None


@pytest.mark.parametrize("result", ["RESHIP", "APPROVE_RETURN", "REQUEST_FEEDBACK"])
async def test_a_batch_audit_result_outside_its_enum_is_refused_by_the_schema(
    api: Api, result: str
) -> None:
    await api.setup_seller()
    o = await api.apply()
    body = {"ids": [o["id"]], "result": result}
    r = await api.client.post("/v1/service-orders/batch-audit", json=body, headers=api.boss)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["loc"] == ["body", "result"]
    schema = (await api.client.get("/openapi.json")).json()
    batch = schema["components"]["schemas"]["BatchAuditBody"]["properties"]["result"]
    assert batch["enum"] == ["CUSTOMER_ABANDON", "REJECT"]


@pytest.mark.parametrize("outcome", ["CLAIM_REJECTED", "RESHIP", "AUTO_REFUND", "PRE_COMPENSATION"])
async def test_a_process_outcome_outside_its_enum_is_refused_by_the_schema(
    api: Api, outcome: str
) -> None:
    await api.setup_seller()
    o = await api.received()
    path = f"/v1/service-orders/{o['id']}/process"
    r = await api.client.post(path, json={"outcome": outcome}, headers=api.staff("both"))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["fields"][0]["loc"] == ["body", "outcome"]
    schema = (await api.client.get("/openapi.json")).json()
    process = schema["components"]["schemas"]["Process"]["properties"]["outcome"]
    assert process["enum"] == ["EXCHANGE", "OFFLINE_EXCHANGE", "REFUND", "RETURN_ORIGINAL"]


@pytest.mark.parametrize("sku", ["SKU\u0011", "SKU\n"])
async def test_a_reship_sku_with_a_control_character_is_422_not_500(api: Api, sku: str) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("both"))
    body = {"result": "RESHIP", "reship_sku": sku}
    await api.do(o["id"], "audit", api.staff("both"), body, expect=422)
    assert (await api.get(o["id"]))["status"] == "PENDING_AUDIT"
