"""The English switch: the tabs, the order's actions and antd's own words in English, then in
Chinese again; the choice survives a reload (English is a chunk of its own, loaded first)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import (
    Shop,
    browser_page,
    choose_lang,
    close_detail,
    money_cells,
    open_order,
    shot,
    sign_in,
    tab_labels,
    wait_count,
)

pytestmark = pytest.mark.e2e
ZH = {
    "PENDING_CLAIM": "待领取",
    "PENDING_AUDIT": "待审核",
    "AWAITING_RETURN": "待收货",
    "PENDING_PROCESS": "待处理",
    "PROVISIONALLY_DONE": "暂完结",
    "UNRESOLVED": "未解决",
    "due24": "24小时内到期",
    "all": "全部/查询",
    "staff": "子账号管理",
    "quality": "本周服务质量",
}
EN = {
    "PENDING_CLAIM": "To claim",
    "PENDING_AUDIT": "To audit",
    "AWAITING_RETURN": "Awaiting return",
    "PENDING_PROCESS": "To process",
    "PROVISIONALLY_DONE": "Provisionally done",
    "UNRESOLVED": "Unresolved",
    "due24": "Due within 24h",
    "all": "All / search",
    "staff": "Staff",
    "quality": "Quality this week",
}
CLAIM = {"zh": "领取", "en": "Claim"}
DRAWER = {"zh": "服务单详情", "en": "Service order"}
NO_DATA = {"zh": "暂无数据", "en": "No data"}  # antd's own words: its locale switches too
LEGS = {  # the money panel's freight legs: headers, and the return leg before anyone set it
    "zh": (["运费项", "金额", "承担方", "客户已付", "已退还客户", "退款时间"], "待确认", "未退还"),
    "en": (
        ["Freight", "Amount", "Paid by", "Customer paid", "Refunded to customer", "Refunded on"],
        "not set yet",
        "not refunded",
    ),
}


async def every_tab_fits(page: Any) -> bool:
    """At 1280px no tab is scrolled away or folded into antd's "…" menu."""
    fits: bool = await page.evaluate(
        """() => document.querySelector('.ant-tabs-nav-list').scrollWidth
          <= document.querySelector('.ant-tabs-nav-wrap').clientWidth
          && document.querySelector('.ant-tabs-nav-operations-hidden') !== null"""
    )
    return fits


async def words(page: Any, order_no: str, lang: str) -> None:
    """The order's drawer and its action, and an empty tab, in that language."""
    await open_order(page, order_no)
    assert (await page.locator(".ant-drawer-title").inner_text()).strip() == DRAWER[lang]
    assert (await page.get_by_test_id("action-CLAIM").inner_text()).strip() == CLAIM[lang]
    heads = await page.locator("[data-testid=freight-legs] th").all_inner_texts()
    back = (await money_cells(page))["RETURN"]
    assert ([h.strip() for h in heads], back[1], back[4]) == LEGS[lang]
    await shot(page, f"lang-{lang}-detail")
    await close_detail(page)
    await page.get_by_test_id("tab-UNRESOLVED").click()
    empty = page.locator(".ant-table-placeholder .ant-empty-description")
    assert (await empty.inner_text()).strip() == NO_DATA[lang]
    await page.get_by_test_id("tab-PENDING_CLAIM").click()


async def test_english_and_back(running_stack: RunningStack, unique: str) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wg-{unique}", customer=f"c-{unique}")
        await shop.register(staff=False)
        order = await shop.apply(1)
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub=shop.seller)
            await wait_count(page, "PENDING_CLAIM", 1)
            assert await tab_labels(page) == ZH
            await choose_lang(page, "English")
            await page.get_by_test_id("tab-staff").get_by_text(EN["staff"]).wait_for()
            assert await tab_labels(page) == EN
            assert await page.evaluate("document.documentElement.lang") == "en"
            assert await every_tab_fits(page)
            await shot(page, "lang-en")
            await words(page, order["order_no"], "en")

            await page.reload()  # the choice is kept: the page starts in English
            await wait_count(page, "PENDING_CLAIM", 1)
            assert await tab_labels(page) == EN
            assert await page.evaluate("document.documentElement.lang") == "en"

            await choose_lang(page, "中文")
            await page.get_by_test_id("tab-staff").get_by_text(ZH["staff"]).wait_for()
            assert await tab_labels(page) == ZH
            assert await page.evaluate("document.documentElement.lang") == "zh-CN"
            assert await every_tab_fits(page)
            await words(page, order["order_no"], "zh")
            await shot(page, "lang-zh")
            assert console.unexpected() == []
