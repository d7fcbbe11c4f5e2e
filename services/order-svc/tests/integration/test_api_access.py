"""Who may do what: a seller record for its own accounts, assignment for the main account."""

from __future__ import annotations

import pytest
from aftersales_testkit import bearer
from api_support import Api

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("role", ["customer", "qc_analyst"])
async def test_a_seller_id_claim_on_another_role_reads_no_seller(api: Api, role: str) -> None:
    await api.setup_seller()
    headers = bearer(role, sub="someone", seller_id=api.seller)
    r = await api.client.get(f"/v1/sellers/{api.seller}", headers=headers)
    assert r.status_code == 404, r.text
    assert "staff" not in r.text


async def test_a_seller_reads_its_own_record(api: Api) -> None:
    await api.setup_seller()
    r = await api.client.get(f"/v1/sellers/{api.seller}", headers=api.boss)
    assert r.status_code == 200
    assert r.json()["seller_id"] == api.seller


@pytest.mark.parametrize("role", ["customer", "platform_agent", "qc_analyst"])
async def test_only_a_main_account_assigns(api: Api, role: str) -> None:
    await api.setup_seller()
    o = await api.apply()
    r = await api.client.post(
        "/v1/service-orders/assign",
        json={"ids": [o["id"]], "staff_id": "both"},
        headers=api.who(role),
    )
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("staff_id", ["a\u0000b", "a.b", "$where", "x" * 101, "a b"])
async def test_a_staff_id_that_is_not_an_id_is_422(api: Api, staff_id: str) -> None:
    await api.setup_seller()
    r = await api.client.post(
        f"/v1/sellers/{api.seller}/staff",
        json={"staff_id": staff_id, "name": "n", "permissions": ["AUDIT"]},
        headers=api.boss,
    )
    assert r.status_code == 422, r.text
    r = await api.client.post(
        "/v1/service-orders/assign",
        json={"ids": ["x"], "staff_id": staff_id},
        headers=api.boss,
    )
    assert r.status_code == 422, r.text


async def test_an_order_id_with_a_control_character_is_422(api: Api) -> None:
    r = await api.client.get("/v1/service-orders/ab%00cd", headers=api.boss)
    assert r.status_code == 422, r.text
