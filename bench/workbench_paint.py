"""Benchmark: the seller workbench's first paint with data, in Debian's Chromium (Playwright).

One order-svc process on the development store and the real RabbitMQ; a seller with `--orders`
orders waiting to be claimed. Each of `--runs` fresh browser contexts opens `/workbench` with the
main account's token in the fragment; the time from navigation start to the first table row and
the 待领取 badge both shown (the page's own `performance.now()`) is its first paint with data.
Prints each run and the median and worst (target: a median of at most 1 s), and the
JavaScript the page had loaded by then (as sent, and decoded).

`--page LABEL=DIR` (repeatable) measures built pages side by side: each is served by an
order-svc process of its own (`WORKBENCH_DIR`) on the same store and orders, and every round
measures each page once, in a rotating order, so they share the machine's moments of load.

    uv run python bench/workbench_paint.py [--orders 200] [--runs 7] [--page before=DIR ...]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_testkit import TEST_SECRET, bearer, free_port, token

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SELLER = "bench-workbench"
CHROMIUM = "/usr/bin/chromium"
PAINTED = """() => document.querySelector('.ant-table-row') !== null
  && /\\d/.test(document.querySelector('[data-testid=count-PENDING_CLAIM]')?.textContent ?? '')"""


async def seed(url: str, orders: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        seller = {
            "seller_id": SELLER,
            "name": "Bench",
            "cooperation_mode": "SOP",
            "aftersales_contact_phone": "13900000000",
        }
        r = await c.post("/v1/sellers", json=seller, headers=bearer("platform_agent"))
        assert r.status_code == 201, r.text
        agent, me = bearer("platform_agent"), bearer("customer", sub="bench-customer")
        for n in range(orders):
            order_no = f"WB{n:06d}"
            facts = {  # the order system records the order before the customer applies
                "order_no": order_no,
                "seller_id": SELLER,
                "customer_id": "bench-customer",
                "customer_tier": "GOLD",
                "paid_at": "2026-11-01T00:00:00+00:00",
                "lines": [{"sku": "SKU-1", "quantity": 1, "paid_amount": "99.00"}],
            }
            r = await c.post("/v1/orders", json=facts, headers=agent)
            assert r.status_code == 201, r.text
            body = {
                "order_no": order_no,
                "sku": "SKU-1",
                "quantity": 1,
                "category": "手机",
                "reason": "r",
                "description": "d",
                "quality_issue": True,
                "customer_phone": "13800138000",
            }
            r = await c.post("/v1/service-orders", json=body, headers=me)
            assert r.status_code == 201, r.text


SCRIPTS = """() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js'))
  .reduce((a, e) => [a[0] + e.encodedBodySize, a[1] + e.decodedBodySize], [0, 0])"""


@dataclass
class Variant:
    """A built page, served by an order-svc process of its own (same store, same orders)."""

    label: str
    folder: Path | None
    url: str = ""
    times: list[float] = field(default_factory=list)
    scripts: tuple[int, int] = (0, 0)


async def paint_once(browser: Any, variant: Variant, jwt: str) -> None:
    """One fresh context (nothing cached): navigation start to the first row and badge."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = await context.new_page()
        await page.goto(f"{variant.url}/workbench#token={jwt}")
        await page.wait_for_function(PAINTED, timeout=30_000, polling="raf")
        variant.times.append(float(await page.evaluate("performance.now()")) / 1000)
        sent, code = await page.evaluate(SCRIPTS)
        variant.scripts = (int(sent), int(code))
    finally:
        await context.close()


async def paint(variants: list[Variant], runs: int) -> None:
    """`runs` rounds; each round measures every variant once, in an order that rotates (after
    one unrecorded paint: the browser's own first start is no page's cost)."""
    from playwright.async_api import async_playwright

    jwt = token("seller_admin", sub=SELLER, seller_id=SELLER)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            warm_up = Variant(label="warm-up", folder=None, url=variants[0].url)
            await paint_once(browser, warm_up, jwt)
            for n in range(runs):
                for variant in variants[n % len(variants) :] + variants[: n % len(variants)]:
                    await paint_once(browser, variant, jwt)
        finally:
            await browser.close()


def report(variant: Variant, orders: int) -> None:
    runs = " ".join(f"{t * 1000:.0f}" for t in variant.times)
    median, worst = statistics.median(variant.times) * 1000, max(variant.times) * 1000
    verdict = "ok" if median <= 1000 else "over the 1 s target"
    sent, code = variant.scripts
    print(
        f"{variant.label}: runs {runs} ms; median {median:.0f} ms, worst {worst:.0f} ms "
        f"({orders} orders; target median ≤ 1000 ms: {verdict}); "
        f"scripts before the paint {code / 1000:.0f} kB ({sent / 1000:.0f} kB sent)"
    )


def variant_of(text: str) -> Variant:
    label, _, folder = text.partition("=")
    return Variant(label=label, folder=Path(folder).resolve() if folder else None)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--page",
        action="append",
        type=variant_of,
        help="LABEL=DIR, a built page to measure (repeat to compare in alternation); "
        "default: the page order-svc serves (web/dist)",
    )
    args = parser.parse_args()
    variants: list[Variant] = args.page or [Variant(label="built", folder=None)]
    stack, namespace = Stack(), f"bench-wb-{uuid.uuid4().hex[:8]}"
    data = Path(tempfile.mkdtemp(prefix="bench-workbench-"))
    try:
        mongo_url = stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "log")
        env = {
            "AUTH_SECRET": TEST_SECRET,
            "MONGO_URL": mongo_url,
            "AMQP_URL": AMQP,
            "BUS_NAMESPACE": namespace,
            "CLOCK": "virtual",
        }
        for n, variant in enumerate(variants):
            port = free_port()
            served = env | ({"WORKBENCH_DIR": str(variant.folder)} if variant.folder else {})
            stack.start_service("order-svc", port=port, env=served, log_path=data / f"svc{n}.log")
            variant.url = f"http://127.0.0.1:{port}"
        stack.wait_ready(timeout=60)
        await seed(variants[0].url, args.orders)
        await paint(variants, args.runs)
        for variant in variants:
            report(variant, args.orders)
    finally:
        stack.stop()
        await delete_namespace(AMQP, namespace)


if __name__ == "__main__":
    asyncio.run(main())
