"""What each caller is offered: a PROCESS-only staff member no audit, an AUDIT-only one no
processing; a locked order is read-only but for the receipt the lock allows."""

from __future__ import annotations

import httpx
import pytest
from aftersales_testkit import eventually

from tests.e2e.conftest import RunningStack
from tests.e2e.workbench_support import (
    Shop,
    actions,
    browser_page,
    close_detail,
    open_order,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e
AUDITS = {
    "CLAIM",
    "AUDIT_RESHIP",
    "AUDIT_APPROVE_RETURN",
    "AUDIT_REQUEST_FEEDBACK",
    "AUDIT_REJECT",
    "AUDIT_CUSTOMER_ABANDON",
}
PROCESSING = {
    "REGISTER_RECEIPT",
    "SET_RETURN_FREIGHT",
    "PROCESS_REFUND",
    "PROCESS_EXCHANGE",
    "PROCESS_RETURN_ORIGINAL",
    "PROCESS_OFFLINE_EXCHANGE",
    "REQUEST_ARBITRATION",
    "REMIND_SHIP",
    "RECORD_SHIPMENT",
}


async def staged(shop: Shop, unique: str) -> tuple[dict[str, str], dict[str, str]]:
    """One order waiting to be claimed for audit, one received and waiting to be processed."""
    boss = shop.who(shop.seller)
    to_audit, to_process = await shop.apply(1), await shop.apply(2)
    await shop.do(to_process["id"], "claim", boss)
    await shop.do(to_process["id"], "audit", boss, result="APPROVE_RETURN", opinion="ok")
    await shop.do(to_process["id"], "shipment", shop.me, carrier="SF", tracking_no=f"T{unique}")
    await shop.do(to_process["id"], "receipt", boss, note="ok")
    return to_audit, to_process


async def test_each_permission_sees_only_its_actions(
    running_stack: RunningStack, unique: str
) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wr-{unique}", customer=f"c-{unique}")
        await shop.register()
        to_audit, to_process = await staged(shop, unique)
        for sub, forbidden, expected in (
            ("processor", AUDITS, {"PROCESS_REFUND"}),
            ("auditor", PROCESSING, {"CLAIM"}),
        ):
            async with browser_page() as (page, console):
                await sign_in(page, base, seller=shop.seller, sub=sub)
                offered: set[str] = set()
                for order in (to_audit, to_process):
                    await page.get_by_test_id("tab-all").click()
                    await open_order(page, order["order_no"])
                    offered |= set(await actions(page))
                    await shot(page, f"role-{sub}-{order['status']}")
                    await close_detail(page)
                assert offered & forbidden == set(), (sub, offered)
                assert expected <= offered, (sub, offered)
                if sub == "processor":
                    assert await page.get_by_test_id("action-AUDIT").count() == 0
                assert console.unexpected() == []


async def test_a_locked_order_offers_only_the_receipt(
    running_stack: RunningStack, unique: str
) -> None:
    base = running_stack.url("order-svc")
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        shop = Shop(api=api, seller=f"wl-{unique}", customer=f"c-{unique}")
        await shop.register(staff=False)
        boss = shop.who(shop.seller)
        order = await shop.apply(1)
        await shop.do(order["id"], "claim", boss)
        await shop.do(order["id"], "audit", boss, result="APPROVE_RETURN", opinion="ok")
        await shop.do(order["id"], "arbitration", boss, reason="客户寄回的商品与订单不符")

        async def locked() -> bool:
            r = await api.get(f"/v1/service-orders/{order['id']}", headers=boss)
            return bool(r.json()["locked"])

        await eventually(locked, what="the order is locked by its arbitration case")
        async with browser_page() as (page, console):
            await sign_in(page, base, seller=shop.seller, sub=shop.seller)
            await page.get_by_test_id("tab-AWAITING_RETURN").click()
            await open_order(page, order["order_no"])
            await page.get_by_test_id("lock-reason").wait_for()
            assert "京东介入" in await page.get_by_test_id("lock-reason").inner_text()
            assert await actions(page) == ["REGISTER_RECEIPT"]
            await page.get_by_test_id("action-REGISTER_RECEIPT").click()
            assert await page.get_by_test_id("field-freight").count() == 0  # not while locked
            await shot(page, "locked")
            assert console.unexpected() == []
