"""The seller workbench in a real browser: seeding through the API, signing in through the page.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright without a downloaded browser;
every page is 1280×800 and collects its console errors so that a test can assert there were none.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aftersales_testkit import bearer

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHOTO = "https://img.example.com/screen-crack.jpg"
"""The photo every application carries: the drawer shows it as a link."""
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
AGENT = bearer("platform_agent", sub="agent-1")
STAFF = (
    ("auditor", ["AUDIT"]),
    ("processor", ["PROCESS"]),
    ("both", ["AUDIT", "PROCESS"]),
)


@dataclass
class Shop:
    """One seller of the running stack, seeded through the public API."""

    api: httpx.AsyncClient
    seller: str
    customer: str
    applied: list[dict[str, Any]] = field(default_factory=list)

    def who(self, sub: str) -> dict[str, str]:
        role = "seller_admin" if sub == self.seller else "seller_staff"
        return bearer(role, sub=sub, seller_id=self.seller)

    @property
    def me(self) -> dict[str, str]:
        return bearer("customer", sub=self.customer)

    async def register(self, *, staff: bool = True) -> None:
        body = {
            "seller_id": self.seller,
            "name": f"店铺 {self.seller}",
            "cooperation_mode": "SOP",
            "aftersales_contact_phone": "13900000000",
        }
        r = await self.api.post("/v1/sellers", json=body, headers=AGENT)
        assert r.status_code == 201, r.text
        for staff_id, permissions in STAFF if staff else ():
            r = await self.api.post(
                f"/v1/sellers/{self.seller}/staff",
                headers=self.who(self.seller),
                json={
                    "staff_id": staff_id,
                    "name": staff_id,
                    "permissions": permissions,
                    "categories": ["手机"],
                },
            )
            assert r.status_code == 201, r.text

    async def apply(self, n: int) -> dict[str, Any]:
        order_no = f"W{self.seller[-8:]}{n:03d}".replace("-", "")
        facts = {
            "order_no": order_no,
            "seller_id": self.seller,
            "customer_id": self.customer,
            "customer_tier": "GOLD",
            "paid_at": "2026-11-01T00:00:00+00:00",
            "lines": [{"sku": "SKU-PHONE", "quantity": 1, "paid_amount": "199.00"}],
        }
        r = await self.api.post("/v1/orders", json=facts, headers=AGENT)
        assert r.status_code in (200, 201, 404, 405), r.text  # 404/405: facts not required yet
        body = {
            "order_no": order_no,
            "seller_id": self.seller,
            "sku": "SKU-PHONE",
            "quantity": 1,
            "paid_amount": "199.00",
            "customer_tier": "GOLD",
            "category": "手机",
            "reason": "质量问题",
            "description": "屏幕碎了",
            "photos": [PHOTO],
            "quality_issue": True,
            "customer_phone": "13800138000",
        }
        r = await self.api.post("/v1/service-orders", json=body, headers=self.me)
        assert r.status_code == 201, r.text
        order: dict[str, Any] = r.json()
        self.applied.append(order)
        return order

    async def do(self, order_id: str, path: str, who: dict[str, str], **body: Any) -> Any:
        r = await self.api.post(f"/v1/service-orders/{order_id}/{path}", json=body, headers=who)
        assert r.status_code == 200, r.text
        return r.json()


class Console:
    """The page's console errors and uncaught exceptions."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def unexpected(self, *allowed_statuses: int) -> list[str]:
        """Errors other than the browser's note on an answer the test expected to be refused."""
        expected = tuple(f"status of {s}" for s in allowed_statuses)
        return [e for e in self.errors if not (expected and any(x in e for x in expected))]


@asynccontextmanager
async def browser_page() -> AsyncIterator[tuple[Any, Console]]:
    """A fresh 1280×800 page in Debian's Chromium, with its console watched."""
    from playwright.async_api import async_playwright

    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    console = Console()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = await browser.new_page(viewport=VIEWPORT)
            page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
            page.on("pageerror", lambda e: console.errors.append(str(e)))
            yield page, console
        finally:
            await browser.close()


async def sign_in(page: Any, base: str, *, seller: str, sub: str) -> None:
    """Through the development sign-in page: the shop's accounts, then one click."""
    await page.goto(f"{base}/workbench")
    await page.get_by_test_id("shop-id").fill(seller)
    await page.get_by_test_id("shop-id").press("Enter")
    await page.get_by_test_id(f"sign-in-{sub}").click()
    await page.get_by_test_id("who").wait_for()


async def count(page: Any, key: str) -> str:
    text: str = await page.get_by_test_id(f"count-{key}").inner_text()
    return text.strip()


async def wait_count(page: Any, key: str, value: int) -> None:
    await page.wait_for_function(
        "([k, v]) => document.querySelector(`[data-testid=count-${k}]`)?.textContent.trim() === v",
        arg=[key, str(value)],
        timeout=20_000,
    )


async def open_order(page: Any, order_no: str) -> None:
    await page.get_by_role("link", name=order_no).first.click()
    await page.get_by_test_id("order-detail").wait_for()


async def wait_status(page: Any, status: str) -> None:
    await page.locator(f"[data-testid=order-detail][data-status={status}]").wait_for(timeout=20_000)


async def actions(page: Any) -> list[str]:
    names: str = await page.get_by_test_id("actions").get_attribute("data-actions")
    return [n for n in names.split(",") if n]


async def close_detail(page: Any) -> None:
    """Close the drawer and wait until its mask has faded out too (it would take a click)."""
    await page.locator(".ant-drawer-close").click()
    await page.get_by_test_id("order-detail").wait_for(state="detached")
    await page.locator(".ant-drawer-mask").wait_for(state="hidden")


async def advance_clock(api: httpx.AsyncClient, timer_url: str, seconds: int) -> None:
    """Move the stack's shared virtual clock (timer-svc answers once what fell due is sent)."""
    r = await api.post(
        f"{timer_url}/admin/clock/advance", json={"seconds": seconds}, headers=AGENT, timeout=180
    )
    assert r.status_code == 200, r.text


async def tab_labels(page: Any) -> dict[str, str]:
    """Each tab's label (its badge's number left out), by the tab's key."""
    labels: dict[str, str] = await page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid^="tab-"]')]
          .map((t) => {
            const badge = t.querySelector('[data-testid^="count-"]')?.textContent ?? '';
            const text = t.textContent ?? '';
            return [t.dataset.testid.slice(4), text.slice(0, text.length - badge.length).trim()];
        }))"""
    )
    return labels


async def choose_lang(page: Any, label: str) -> None:
    """Click 中文 or English in the header's switch."""
    await page.locator(".ant-segmented-item", has_text=label).click()


SHOP_CLOCK = ZoneInfo("Asia/Shanghai")


def shop_time(iso: str | None) -> str:
    """An API instant as the page writes it: on the shop's clock, to the minute; none is "—"."""
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(SHOP_CLOCK).strftime("%Y-%m-%d %H:%M")


def yuan(amount: str | None) -> str:
    return "—" if amount is None else f"¥{Decimal(amount):.2f}"


async def money_cells(page: Any) -> dict[str, list[str]]:
    """The money panel's freight legs, each row's cells by its leg (RETURN, OUTBOUND)."""
    rows = page.locator("[data-testid=freight-legs] tr[data-leg]")
    legs = {}
    for n in range(await rows.count()):
        leg = (await rows.nth(n).get_attribute("data-leg")).rsplit("-", 1)[0]
        legs[leg] = [c.strip() for c in await rows.nth(n).locator("td").all_inner_texts()]
    return legs


async def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"workbench-{name}.png"), full_page=True)
