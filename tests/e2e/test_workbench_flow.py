"""A staff member works an order through the workbench: claim, audit with an image, receive,
refund; the customer ships through the API; every tab's count moves at each step."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import (
    PHOTO,
    PNG_1PX,
    Shop,
    browser_page,
    money_cells,
    open_order,
    shop_time,
    shot,
    sign_in,
    wait_count,
    wait_status,
    yuan,
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
            photo = page.get_by_test_id("detail-photos").get_by_role("link")
            assert await photo.count() == 1  # the customer's photo, a link that opens apart
            assert await photo.get_attribute("href") == PHOTO
            assert await photo.get_attribute("rel") == "noopener noreferrer nofollow"
            assert await photo.inner_text() == "照片 1（img.example.com）"
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
            await shop.do(
                order["id"],
                "shipment",
                shop.me,
                carrier="顺丰",
                tracking_no=tracking,
                freight="12.00",
            )
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
            await money_shows_the_legs(page, api, shop, order["id"])
            await handling_shows_receipt_and_processing(page)
            assert console.unexpected() == []


ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:")
PAYER = {"SELLER": "卖家", "CUSTOMER": "客户", "PLATFORM": "平台"}


async def handling_shows_receipt_and_processing(page: Any) -> None:
    """The drawer's handling panel: the receipt note as typed, the processing in words."""
    processing = page.get_by_test_id("handling-processing")
    await processing.wait_for()
    assert await page.get_by_test_id("handling-receipt").inner_text() == "外包装完好，屏幕碎裂"
    text = await processing.inner_text()
    assert text.startswith("退款 · "), text
    assert "REFUND" not in text, text
    assert ISO_TIME.search(text) is None, text


async def money_shows_the_legs(page: Any, api: httpx.AsyncClient, shop: Shop, oid: str) -> None:
    """The refunded order's money panel: every cell a word or an amount, each freight leg as
    the order view has it (the return freight the customer paid, refunded to them, and when)."""
    r = await api.get(f"/v1/service-orders/{oid}", headers=shop.who("both"))
    assert r.status_code == 200, r.text
    back, out = r.json()["freight"]["legs"]
    assert back["refunded_at"] is not None, back  # the case this checks: a refunded leg
    money = page.get_by_test_id("money")
    await money.locator("[data-testid=freight-legs] tr[data-leg]").first.wait_for()
    cells = [c.strip() for c in await money.locator("td, th").all_inner_texts()]
    assert cells
    assert [c for c in cells if "[object Object]" in c or ISO_TIME.search(c)] == [], cells
    assert await money_cells(page) == {
        "RETURN": [
            "退货运费 (客户寄回)",
            yuan(back["amount"]),
            PAYER[back["paid_by"]],
            yuan(back["customer_paid"]),
            yuan(back["refunded_to_customer"]),
            shop_time(back["refunded_at"]),
        ],
        "OUTBOUND": [
            "发货运费 (寄给客户)",
            yuan(out["amount"]),
            PAYER[out["paid_by"]],
            "—",
            "—",
            "—",
        ],
    }
    assert yuan(back["refunded_to_customer"]) == "¥12.00"
