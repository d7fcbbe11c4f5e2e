"""Bulk work from the workbench: a batch reject of three orders, one of which is refused, says
what happened to each; the main account adds staff up to 10 and sees the 11th refused."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import Shop, browser_page, shot, sign_in

pytestmark = pytest.mark.e2e


async def test_batch_reject_reports_each_order(running_stack: RunningStack, unique: str) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wb3-{unique}", customer=f"c-{unique}")
        await shop.register(staff=False)
        boss = shop.who(shop.seller)
        orders = [await shop.apply(n) for n in range(3)]
        for order in orders[:2]:
            await shop.do(order["id"], "claim", boss)  # the third is not claimed: refused
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub=shop.seller)
            await page.get_by_test_id("tab-all").click()
            for order in orders:
                await page.get_by_role("link", name=order["order_no"]).wait_for()
            await page.locator(".ant-table-thead .ant-checkbox-input").check()
            await page.get_by_test_id("batch-note").fill("不符合售后条件")
            await page.get_by_test_id("batch-audit").click()
            results = page.get_by_test_id("batch-results")
            await results.wait_for()
            said = [
                await page.get_by_test_id(f"result-{o['id']}").get_attribute("data-ok")
                for o in orders
            ]
            # each order is reported: the unclaimed one refused, and it held the others back not
            assert said == ["true", "true", "false"]
            refused = await page.get_by_test_id(f"result-{orders[2]['id']}").inner_text()
            assert "未执行" in refused
            await shot(page, "batch-reject")
            for order, status in zip(
                orders, ["REJECTED", "REJECTED", "PENDING_CLAIM"], strict=True
            ):
                r = await api.get(f"/v1/service-orders/{order['id']}", headers=boss)
                assert r.json()["status"] == status
            assert console.unexpected(409) == []


async def test_main_account_adds_staff_up_to_ten(running_stack: RunningStack, unique: str) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"ws-{unique}", customer=f"c-{unique}")
        await shop.register(staff=False)
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub=shop.seller)
            await page.get_by_test_id("tab-staff").click()
            for n in range(11):
                await page.get_by_test_id("staff-id").fill(f"staff{n:02d}")
                await page.get_by_test_id("staff-name").fill(f"售后{n}")
                await page.get_by_test_id("staff-add").click()
                if n < 10:
                    await page.get_by_role("cell", name=f"staff{n:02d}", exact=True).wait_for()
            await page.get_by_test_id("staff-error").wait_for()
            assert "10 / 10" in await page.get_by_test_id("staff-count").inner_text()
            r = await api.get(f"/v1/sellers/{shop.seller}/staff", headers=shop.who(shop.seller))
            staff = r.json()["items"]
            assert len(staff) == 10
            assert all(sorted(s["permissions"]) == ["AUDIT", "PROCESS"] for s in staff)
            await shot(page, "staff")
            refused = [e for e in console.errors if "status of" in e]
            assert len(refused) == 1, console.errors  # the browser's note on the 11th's refusal
            assert console.unexpected(409, 422) == []
