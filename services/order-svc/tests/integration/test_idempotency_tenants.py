"""Idempotency-Key scopes: a key of another seller's account never replays its answer."""

from __future__ import annotations

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


async def test_keys_of_another_seller_are_not_replayed(api: Api) -> None:
    other = f"other-{api.unique}"
    await api.setup_seller()
    await api.setup_seller(seller=other)
    mine = await api.apply()
    key = {"Idempotency-Key": f"k-{api.unique}"}
    url = f"/v1/service-orders/{mine['id']}/claim"
    claimed = await api.client.post(url, headers=api.staff("auditor") | key)
    assert claimed.status_code == 200, claimed.text
    theirs = api.who("seller_staff", sub="auditor", seller=other) | key
    replayed = await api.client.post(url, headers=theirs)
    assert replayed.status_code == 404, "B's st-audit must not get A's order (and phone)"
    assert "13800138000" not in replayed.text

    body = {"ids": [mine["id"]], "result": "REJECT"}
    batch = await api.client.post(
        "/v1/service-orders/batch-audit", json=body, headers=api.boss | key
    )
    assert batch.status_code == 200, batch.text
    boss_b = api.who("seller_admin", seller=other) | key
    replayed = await api.client.post("/v1/service-orders/batch-audit", json=body, headers=boss_b)
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["results"] == [
        {
            "id": mine["id"],
            "ok": False,
            "error": "not_found",
            "message": replayed.json()["results"][0]["message"],
        }
    ], "B's boss must not get A's results: A's order is not found for B"
    assert batch.json()["results"][0]["ok"] is True
