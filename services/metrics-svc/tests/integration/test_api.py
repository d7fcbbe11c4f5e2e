"""Tenancy of the API, streaks over closed weeks, escalations, CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event

from .conftest import Running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
W41 = datetime(2026, 10, 6, 4, 0, tzinfo=UTC)  # Tuesday 12:00 Shanghai, 2026-W41


async def seed_three_weeks(svc: Running, unique: str) -> list[str]:
    """11 sellers rated in W41..W43: g is always satisfied, b0..b9 never (the Bottom-10)."""
    sellers = [f"{unique}-g", *(f"{unique}-b{i}" for i in range(10))]
    for week in range(3):
        at = W41 + timedelta(weeks=week)
        for seller in sellers:
            rating = "SATISFIED" if seller.endswith("-g") else "DISSATISFIED"
            await svc.publisher.publish(
                order_event("rated", seller_id=seller, order_id=f"{seller}-{week}",
                            applied_at=at, occurred_at=at, rating=rating)
            )  # fmt: skip

    async def all_in() -> bool:
        res = await svc.client.get("/v1/weeks/2026-W43/ranking", headers=QC)
        return bool(res.json()["total"] == 11)

    await eventually(all_in, what="three weeks ingested")
    assert await svc.active.closer.tick() == ["2026-W41", "2026-W42", "2026-W43"]
    return sellers


async def test_three_weeks_in_the_bottom10_escalate(svc: Running, unique: str) -> None:
    sellers = await seed_three_weeks(svc, unique)
    bottom = (await svc.client.get("/v1/weeks/2026-W43/bottom10", headers=QC)).json()
    assert bottom["status"] == "closed"
    assert [(r["seller_id"], r["streak"], r["escalated"]) for r in bottom["items"]] == [
        (s, 3, True) for s in reversed(sellers[1:])
    ]  # worst first: equal scores, so the tie-break puts the highest id last
    escalations = (await svc.client.get("/v1/escalations?week=2026-W43", headers=QC)).json()
    assert sorted(e["seller_id"] for e in escalations["items"]) == sorted(sellers[1:])
    assert (await svc.client.get("/v1/escalations?week=2026-W42", headers=QC)).json() == {
        "items": []
    }
    csv = await svc.client.get("/v1/weeks/2026-W43/ranking.csv", headers=QC)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("week,position,seller_id,score")
    assert lines[1].startswith(f"2026-W43,1,{unique}-g,100.00,1,False,0,100.00,,,")
    assert len(lines) == 12


async def test_a_seller_sees_only_its_own_scorecard_and_penalties(
    svc: Running, unique: str
) -> None:
    sellers = await seed_three_weeks(svc, unique)
    mine, other = sellers[1], sellers[2]
    admin = bearer("seller_admin", seller_id=mine)
    own = await svc.client.get(f"/v1/sellers/{mine}/scorecard?week=2026-W43", headers=admin)
    assert own.status_code == 200
    assert [h["score"] for h in own.json()["history"][-3:]] == ["0.00", "0.00", "0.00"]
    assert own.json()["current"]["streak"] == 3
    for path in (f"/v1/sellers/{other}/scorecard", f"/v1/penalties?seller_id={other}"):
        assert (await svc.client.get(path, headers=admin)).status_code == 404
    penalties = await svc.client.get("/v1/penalties?week=2026-W43", headers=admin)
    assert [i["seller_id"] for i in penalties.json()["items"]] == [mine]
    for path in (
        "/v1/weeks/2026-W43/ranking",
        "/v1/weeks/2026-W43/bottom10",
        "/v1/weeks/2026-W43/ranking.csv",
        "/v1/escalations",
        "/v1/weeks",
    ):
        assert (await svc.client.get(path, headers=admin)).status_code == 403, path
    staff = bearer("seller_staff", seller_id=mine)
    assert (await svc.client.get(f"/v1/sellers/{mine}/scorecard", headers=staff)).status_code == 403
    customer = bearer("customer")
    assert (await svc.client.get("/v1/penalties", headers=customer)).status_code == 403
    assert (await svc.client.get("/v1/weeks/2026-W43/ranking")).status_code == 401
    agent = bearer("platform_agent")
    assert (await svc.client.get("/v1/weeks/2026-W43/ranking", headers=agent)).status_code == 200
    assert (await svc.client.get("/v1/weeks/2026-W99/ranking", headers=QC)).status_code == 422
