"""The quality panel is the seller's own week as metrics-svc's API has it: the four indicators
against their targets, position and streak, and the penalty lines. The seller audits one order
in time and one late (after its 12 hours, on the shared clock), which is a penalty line."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from aftersales_testkit import eventually

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import Shop, advance_clock, browser_page, shot, sign_in

pytestmark = pytest.mark.e2e
HOUR = 3600


PASSED = {True: "✓", False: "✗"}
NO_DATA = "暂无数据"  # an indicator with nothing to count yet
INDICATORS = {  # the page's words for metrics-svc's indicator names and penalty rules
    "satisfaction": "客户满意度",
    "audit_within_12h": "12小时审核率",
    "process_within_12h": "12小时处理率",
    "exchange_shipped_within_18h": "换新18小时发货率",
}
RULES = {
    "UNAUDITED_12H": "超12小时未审核",
    "UNPROCESSED_48H": "收货后48小时未处理",
    "PRE_COMPENSATION": "先行赔付",
}


def shown(value: object) -> str:
    """A value as the panel writes it: "-" for none (a live week has no position yet)."""
    return "-" if value is None else str(value)


async def from_api(api: httpx.AsyncClient, metrics: str, shop: Shop) -> dict[str, Any]:
    """What the panel should show, from metrics-svc's API with the seller's own token."""
    boss = shop.who(shop.seller)
    r = await api.get(
        f"{metrics}/v1/sellers/{shop.seller}/scorecard", params={"history": 1}, headers=boss
    )
    assert r.status_code == 200, r.text
    card = r.json()
    r = await api.get(f"{metrics}/v1/penalties", params={"seller_id": shop.seller}, headers=boss)
    assert r.status_code == 200, r.text
    week = card["current"]
    return {
        "week": card["week"],
        "score": shown(week["score"]),
        "position": shown(week["position"]),
        "streak": shown(week["streak"]),
        "indicators": {
            i["name"]: [
                INDICATORS[i["name"]],
                shown(i["value"]),
                i["target"],
                PASSED.get(i["passed"], NO_DATA),
            ]
            for i in week["indicators"]
        },
        "penalties": sorted(
            f"{line['rule']}: {RULES[line['rule']]} · {line['orders']} 单 · ¥{line['amount']}"
            for item in r.json()["items"]
            for line in item["lines"]
        ),
    }


async def from_panel(page: Any) -> dict[str, Any]:
    """What the quality tab shows."""
    panel = page.get_by_test_id("quality")
    await panel.get_by_test_id("quality-position").wait_for()
    rows = panel.locator(".ant-table-tbody tr[data-row-key]")
    indicators = {}
    for n in range(await rows.count()):
        cells = [c.strip() for c in await rows.nth(n).locator("td").all_inner_texts()]
        indicators[await rows.nth(n).get_attribute("data-row-key")] = cells
    penalties = []
    for line in await panel.locator("[data-testid^=penalty-]").all():
        rule = (await line.get_attribute("data-testid")).removeprefix("penalty-")
        penalties.append(f"{rule}: {(await line.inner_text()).strip()}")
    return {
        "week": await panel.locator("[data-week]").get_attribute("data-week"),
        "score": (await panel.get_by_test_id("quality-score").inner_text()).strip(),
        "position": (await panel.get_by_test_id("quality-position").inner_text()).strip(),
        "streak": (await panel.get_by_test_id("quality-streak").inner_text()).strip(),
        "indicators": indicators,
        "penalties": sorted(p.strip() for p in penalties),
    }


async def test_the_panel_shows_metrics_svcs_week_of_the_seller(
    running_stack: RunningStack, unique: str
) -> None:
    base, metrics = running_stack.url("order-svc"), running_stack.url("metrics-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wq-{unique}", customer=f"c-{unique}")
        await shop.register(staff=False)
        boss = shop.who(shop.seller)
        late, prompt = await shop.apply(1), await shop.apply(2)
        await shop.do(prompt["id"], "claim", boss)
        await shop.do(prompt["id"], "audit", boss, result="APPROVE_RETURN", opinion="ok")
        await advance_clock(api, running_stack.url("timer-svc"), 12 * HOUR + 60)

        async def overdue() -> bool:
            r = await api.get(f"/v1/service-orders/{late['id']}", headers=boss)
            return bool(r.json()["audit_overdue"])

        await eventually(overdue, what="the unaudited order is overdue (a penalty line)")
        await shop.do(late["id"], "claim", boss)  # audited late now
        await shop.do(late["id"], "audit", boss, result="APPROVE_RETURN", opinion="ok")

        async def counted() -> dict[str, Any] | None:
            expected = await from_api(api, metrics, shop)
            audit = expected["indicators"].get("audit_within_12h", [None, "-"])
            unaudited = "UNAUDITED_12H: 超12小时未审核 · 1 "
            overdue = any(p.startswith(unaudited) for p in expected["penalties"])
            return expected if overdue and audit[1] != "-" else None

        await eventually(counted, timeout=120, what="metrics-svc counted the audits and the fine")
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub=shop.seller)
            await page.get_by_test_id("tab-quality").click()
            shown: dict[str, Any] = {}

            async def same() -> bool:  # an audit counted meanwhile: the panel is read again
                shown.clear()
                shown.update(await from_panel(page))
                if shown == await from_api(api, metrics, shop):
                    return True
                await page.get_by_test_id("tab-PENDING_CLAIM").click()
                await page.get_by_test_id("tab-quality").click()
                return False

            await eventually(same, timeout=60, what="the panel shows metrics-svc's week")
            assert len(shown["indicators"]) == 4
            assert any(
                p.startswith("UNAUDITED_12H: 超12小时未审核 · 1 单") for p in shown["penalties"]
            )
            await shot(page, "quality")
            assert console.unexpected() == []
