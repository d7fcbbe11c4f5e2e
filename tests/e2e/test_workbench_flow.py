"""A staff member works an order through the workbench: claim, audit with an image, receive,
refund; the customer ships through the API; every tab's count moves at each step."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import (
    PNG_1PX,
    Shop,
    browser_page,
    open_order,
    shot,
    sign_in,
    wait_count,
    wait_status,
)

pytestmark = pytest.mark.e2e


async def test_staff_claims_audits_receives_and_refunds(
    running_stack: RunningStack, unique: str, tmp_path: object
) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wb-{unique}", customer=f"c-{unique}")
        await shop.register()
        order = await shop.apply(1)
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub="both")
            await wait_count(page, "PENDING_CLAIM", 1)
            await shot(page, "1-pending-claim")
            await open_order(page, order["order_no"])
            await page.get_by_test_id("action-CLAIM").click()
            await page.get_by_test_id("submit-CLAIM").click()
            await wait_status(page, "PENDING_AUDIT")
            await wait_count(page, "PENDING_CLAIM", 0)
            await wait_count(page, "PENDING_AUDIT", 1)
            await shot(page, "2-pending-audit")

            await page.get_by_test_id("action-AUDIT").click()
            await page.get_by_test_id("audit-APPROVE_RETURN").click()
            opinion = page.get_by_test_id("audit-opinion")
            assert "审核通过" in await opinion.input_value()  # the default, editable
            await opinion.fill("您好，审核通过，请寄回商品。")
            await page.locator("[data-testid=form-AUDIT] input[type=file]").set_input_files(
                files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": PNG_1PX}]
            )
            await page.get_by_test_id("submit-AUDIT").click()
            await wait_status(page, "AWAITING_RETURN")
            await page.get_by_test_id("audit-images").locator("img").first.wait_for()
            await wait_count(page, "PENDING_AUDIT", 0)
            await wait_count(page, "AWAITING_RETURN", 1)
            await shot(page, "3-awaiting-return")

            tracking = f"SF{unique}"
            await shop.do(order["id"], "shipment", shop.me, carrier="顺丰", tracking_no=tracking)
            await page.reload()
            await wait_count(page, "AWAITING_RETURN", 1)
            await page.get_by_test_id("tab-AWAITING_RETURN").click()
            await page.get_by_test_id("sub-shipped").click()
            await open_order(page, order["order_no"])
            await page.get_by_test_id("action-REGISTER_RECEIPT").click()
            await page.get_by_test_id("field-note").fill("外包装完好，屏幕碎裂")
            await page.get_by_test_id("submit-REGISTER_RECEIPT").click()
            await wait_status(page, "PENDING_PROCESS")
            await wait_count(page, "AWAITING_RETURN", 0)
            await wait_count(page, "PENDING_PROCESS", 1)
            await shot(page, "4-pending-process")

            await page.get_by_test_id("action-PROCESS_REFUND").click()
            assert await page.get_by_test_id("field-amount").input_value() == "199.00"
            await page.get_by_test_id("field-reason").click()
            await page.locator(".ant-select-item-option[title='商品质量问题']").click()
            await page.get_by_test_id("submit-PROCESS_REFUND").click()
            await wait_status(page, "PROVISIONALLY_DONE")
            await wait_count(page, "PENDING_PROCESS", 0)
            await wait_count(page, "PROVISIONALLY_DONE", 1)
            await shot(page, "5-provisionally-done")
            assert console.unexpected() == []
