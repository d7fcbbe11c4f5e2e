"""The workbench's reads: counts per tenant and staff category, the list's new filters and sort."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Api

pytestmark = pytest.mark.integration


async def orders_in_every_tab(api: Api) -> dict[str, str]:
    """Eight orders of one seller: 3 to claim (one shoes), 2 to audit (one the customer answered),
    2 awaiting the return (one shipped), 1 received and locked."""
    await api.setup_seller()
    ids: dict[str, str] = {}
    for name, category in (("claim1", "phones"), ("claim2", "phones"), ("shoes", "shoes")):
        ids[name] = (await api.apply(category=category))["id"]
    ids["audit"] = (await api.apply())["id"]
    await api.do(ids["audit"], "claim", api.staff("both"))
    ids["responded"] = (await api.apply())["id"]
    await api.do(ids["responded"], "claim", api.staff("both"))
    body = {"result": "REQUEST_FEEDBACK"}
    await api.do(ids["responded"], "audit", api.staff("both"), body)
    await api.do(ids["responded"], "feedback", api.me, {"text": "here"})
    for name in ("return", "shipped"):
        ids[name] = (await api.apply())["id"]
        await api.do(ids[name], "claim", api.staff("both"))
        await api.do(ids[name], "audit", api.staff("both"), {"result": "APPROVE_RETURN"})
    shipment = {"carrier": "SF", "tracking_no": f"SF{api.unique}", "freight": "8.00"}
    await api.do(ids["shipped"], "shipment", api.me, shipment)
    ids["locked"] = (await api.received())["id"]
    await api.do(ids["locked"], "arbitration", api.boss, {"reason": "dispute"})
    return ids


async def counts(api: Api, headers: dict[str, str], **params: str) -> dict[str, Any]:
    r = await api.client.get("/v1/service-orders/counts", headers=headers, params=params)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def listed(api: Api, headers: dict[str, str] | None = None, **params: Any) -> list[str]:
    r = await api.client.get("/v1/service-orders", headers=headers or api.boss, params=params)
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()["items"]]


def nonzero(c: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in c["by_status"].items() if v}


async def test_counts_per_tenant_and_staff_category(api: Api) -> None:
    await orders_in_every_tab(api)
    boss = await counts(api, api.boss)
    assert nonzero(boss) == {
        "PENDING_CLAIM": 3,
        "PENDING_AUDIT": 2,
        "AWAITING_RETURN": 2,
        "PENDING_PROCESS": 1,
    }
    assert set(boss["by_status"]) >= {"COMPLETED", "REJECTED", "CANCELLED", "CLOSED"}
    assert (boss["customer_responded"], boss["shipped"], boss["locked"]) == (1, 1, 1)
    due = await listed(api, due_within_hours=24, limit=100)
    assert boss["due_within_24h"] == len(due) >= 4
    phones = await counts(api, api.staff("both"))
    assert nonzero(phones) == {**nonzero(boss), "PENDING_CLAIM": 2}
    assert phones["due_within_24h"] == boss["due_within_24h"] - 1
    shoes = await counts(api, api.staff("shoes"))
    assert nonzero(shoes) == {"PENDING_CLAIM": 1}
    assert (shoes["customer_responded"], shoes["shipped"], shoes["locked"]) == (0, 0, 0)
    agent = await counts(api, api.agent, seller_id=api.seller)
    assert agent == boss
    other = f"other-{api.unique}"
    await api.setup_seller(seller=other)
    theirs = await counts(api, api.who("seller_admin", seller=other))
    assert nonzero(theirs) == {}
    assert theirs["due_within_24h"] == theirs["locked"] == 0
    everyone = await counts(api, api.agent)
    assert everyone["by_status"]["PENDING_CLAIM"] >= 3
    r = await api.client.get("/v1/service-orders/counts", headers=api.me)
    assert r.status_code == 403, r.text


async def test_shipped_locked_and_due_filters(api: Api) -> None:
    ids = await orders_in_every_tab(api)
    assert await listed(api, shipped="true") == [ids["shipped"]]
    assert await listed(api, shipped="false") == [ids["return"]]
    assert await listed(api, locked="true") == [ids["locked"]]
    assert ids["locked"] not in await listed(api, locked="false")
    due = set(await listed(api, due_within_hours=24, limit=100))
    assert {ids["claim1"], ids["claim2"], ids["shoes"], ids["audit"]} <= due
    assert not {ids["return"], ids["shipped"], ids["locked"]} & due
    assert ids["locked"] not in await listed(api, due_within_hours=24 * 60, limit=100)
    staff_due = set(await listed(api, api.staff("both"), due_within_hours=24, limit=100))
    assert staff_due == due - {ids["shoes"]}
    r = await api.client.get("/v1/service-orders", headers=api.boss, params={"due_within_hours": 0})
    assert r.status_code == 422, r.text


async def test_sort_due_soonest_first_with_a_stable_cursor(api: Api) -> None:
    ids = await orders_in_every_tab(api)
    r = await api.client.get(
        "/v1/service-orders", headers=api.boss, params={"sort": "due", "limit": 100}
    )
    rows = r.json()["items"]
    assert len(rows) == 8
    assert r.json()["next_cursor"] is None
    dues = [row["next_due"]["at"] for row in rows if row["next_due"]]
    assert dues == sorted(dues)
    assert rows[-1]["id"] == ids["locked"]
    assert rows[-1]["next_due"] is None, "locked: its timers are suspended"
    assert rows[0]["next_due"]["kind"] == "AUDIT_OVERDUE"
    paged: list[str] = []
    params: dict[str, Any] = {"sort": "due", "limit": 3}
    while True:
        r = await api.client.get("/v1/service-orders", headers=api.boss, params=params)
        assert r.status_code == 200, r.text
        paged += [row["id"] for row in r.json()["items"]]
        if r.json()["next_cursor"] is None:
            break
        if len(paged) == 3:  # a write between pages moves nothing already shown
            await api.apply()
        params["cursor"] = r.json()["next_cursor"]
    assert paged[:3] == [row["id"] for row in rows[:3]]
    assert len(paged) == len(set(paged)) >= 8
    assert set(row["id"] for row in rows) <= set(paged)
    r = await api.client.get(
        "/v1/service-orders", headers=api.boss, params={"sort": "due", "cursor": "x"}
    )
    assert r.status_code == 422, r.text
