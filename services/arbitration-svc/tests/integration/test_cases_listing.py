"""The agents' view: only platform agents, oldest first, filters, pages, the backlog gauges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_testkit import bearer, eventually

from .harness import AGENT, Harness, open_case

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "headers",
    [
        bearer("seller_admin", sub="boss", seller_id="s-1"),
        bearer("seller_staff", sub="staff", seller_id="s-1"),
        bearer("customer", sub="buyer"),
        bearer("qc_analyst", sub="qc"),
    ],
)
async def test_only_platform_agents_see_or_rule(
    arb: Harness, unique: str, headers: dict[str, str]
) -> None:
    case = await open_case(arb, f"o-{unique}")
    url = f"/v1/cases/{case['id']}"
    ruling = {"outcome": "CLAIM_REJECTED", "note": "x"}
    calls = [
        arb.http.get("/v1/cases", headers=headers),
        arb.http.get(url, headers=headers),
        arb.http.post(f"{url}/take", headers=headers),
        arb.http.post(f"{url}/notes", json={"text": "x"}, headers=headers),
        arb.http.post(f"{url}/ruling", json=ruling, headers=headers),
    ]
    for call in calls:
        assert (await call).status_code == 403
    assert (await arb.http.get("/v1/cases")).status_code == 401
    assert (await arb.http.get(url, headers=AGENT)).json()["status"] == "OPEN"


async def test_oldest_first_with_age_filters_pages_and_metrics(arb: Harness, unique: str) -> None:
    now = datetime.now(UTC)
    ages = {"10d": timedelta(days=10), "5d": timedelta(days=5), "2d": timedelta(days=2)}
    ages |= {"2h": timedelta(hours=2), "1h": timedelta(hours=1)}
    for name, age in ages.items():
        await arb.bus.publish(arb.request(order_id=f"o-{unique}-{name}", at=now - age))

    async def all_open() -> list[dict[str, Any]]:
        cases = await arb.cases()
        return cases if len(cases) == len(ages) else []

    cases = await eventually(all_open, what="five cases")
    assert [c["order_id"].rsplit("-", 1)[1] for c in cases] == list(ages)
    old = await arb.cases(min_age_hours=48)
    assert [c["order_id"] for c in old] == [c["order_id"] for c in cases[:3]]
    young = await arb.cases(max_age_hours=24)
    assert [c["order_id"] for c in young] == [c["order_id"] for c in cases[3:]]

    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (
            await arb.http.get(
                "/v1/cases", params={"seller_id": arb.seller_id, **params}, headers=AGENT
            )
        ).json()
        seen += [c["id"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == [c["id"] for c in cases]

    await arb.http.post(f"/v1/cases/{cases[0]['id']}/take", headers=AGENT)
    assert [c["status"] for c in await arb.cases(status="IN_REVIEW")] == ["IN_REVIEW"]
    assert len(await arb.cases(status=["OPEN", "IN_REVIEW"])) == 5

    async def gauges() -> bool:
        text = (await arb.http.get("/metrics")).text
        expected = [
            'arbitration_open_cases{age="7d+",status="IN_REVIEW"} 1.0',
            'arbitration_open_cases{age="3-7d",status="OPEN"} 1.0',
            'arbitration_open_cases{age="1-3d",status="OPEN"} 1.0',
            'arbitration_open_cases{age="0-1d",status="OPEN"} 2.0',
            'arbitration_open_cases{age="7d+",status="OPEN"} 0.0',
        ]
        return all(line in text for line in expected)

    await eventually(gauges, what="backlog gauges")


async def test_pages_hold_every_case_once_when_many_open_at_the_same_instant(
    arb: Harness, unique: str
) -> None:
    at = datetime.now(UTC) - timedelta(hours=3)
    for n in range(7):
        await arb.bus.publish(arb.request(order_id=f"o-{unique}-{n}", at=at))

    async def all_open() -> list[dict[str, Any]]:
        cases = await arb.cases(limit=200)
        return cases if len(cases) == 7 else []

    everything = await eventually(all_open, what="seven cases")
    assert [c["id"] for c in everything] == sorted(c["id"] for c in everything)
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, "seller_id": arb.seller_id, "min_age_hours": 1}
        if cursor:
            params["cursor"] = cursor
        page = (await arb.http.get("/v1/cases", params=params, headers=AGENT)).json()
        seen += [c["id"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == [c["id"] for c in everything]
    bad = await arb.http.get("/v1/cases", params={"cursor": "%%%"}, headers=AGENT)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "query",
    ["min_age_hours=1e308", "max_age_hours=1e308", "min_age_hours=inf", "seller_id=a%00b"],
)
async def test_filters_out_of_range_are_422_not_500(arb: Harness, query: str) -> None:
    answer = await arb.http.get(f"/v1/cases?{query}", headers=AGENT)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("amount", [True, " 1.00", "\uff11", "1e2", 1.001])
async def test_a_ruling_amount_is_strict_money(arb: Harness, unique: str, amount: Any) -> None:
    case = await open_case(arb, f"o-{unique}")
    ruling = {"outcome": "REFUND", "amount": amount, "note": "x"}
    answer = await arb.http.post(f"/v1/cases/{case['id']}/ruling", json=ruling, headers=AGENT)
    assert answer.status_code == 422, answer.text
