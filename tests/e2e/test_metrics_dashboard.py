"""The QC dashboard in a real headless browser (Debian's chromium through Playwright).

metrics-svc runs as a process; a week is seeded through the broker, closed by moving the
shared virtual clock past Sunday 24:00 (as timer-svc does), and the page must show it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ClockAdvanced
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port, token
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.weeks import week_end, week_of

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture
async def metrics_url(
    mongo_url: str, amqp_url: str, namespace: str, unique: str
) -> AsyncIterator[str]:
    logs = Path(tempfile.mkdtemp(prefix="metrics-e2e-"))
    stack, port = Stack(), free_port()
    stack.start_service(
        "metrics-svc",
        port=port,
        env={
            "MONGO_URL": mongo_url,
            "MONGO_DB_PREFIX": f"e{unique}",
            "AMQP_URL": amqp_url,
            "BUS_NAMESPACE": namespace,
            "AUTH_SECRET": TEST_SECRET,
            "CLOCK": "virtual",
            "CLOSE_POLL_S": "0.2",
        },
        log_path=logs / "metrics-svc.log",
    )
    try:
        stack.wait_ready(timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stack.stop()
        shutil.rmtree(logs, ignore_errors=True)


async def seed_and_close(url: str, amqp_url: str, namespace: str, unique: str) -> str:
    """12 sellers with different audit punctuality this week; then the week ends."""
    now = datetime.now(UTC)
    week = week_of(now)
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    try:
        for i in range(12):
            seller = f"{unique}-s{i:02d}"
            for n in range(4):
                applied = now - timedelta(minutes=5)
                late = n < i % 5  # seller i audits i%5 of its 4 orders too late
                audited = applied + timedelta(hours=13 if late else 1)
                await bus.publish(
                    order_event("audited", seller_id=seller, order_id=f"{seller}-{n}",
                                applied_at=applied, audited_at=min(audited, now))
                    if not late else
                    order_event("audited", seller_id=seller, order_id=f"{seller}-{n}",
                                applied_at=applied - timedelta(hours=13), audited_at=applied)
                )  # fmt: skip
        qc = bearer("qc_analyst")
        async with httpx.AsyncClient(base_url=url, headers=qc) as client:

            async def ingested() -> bool:
                res = await client.get(f"/v1/weeks/{week}/ranking")
                return bool(res.json()["total"] == 12)

            await eventually(ingested, timeout=120, what="seeded week ingested")
            offset = (week_end(week) - now).total_seconds() + 60
            await bus.publish(
                envelope(type="clock.advanced", payload=ClockAdvanced(offset_seconds=offset),
                         occurred_at=now, seller_id=None)
            )  # fmt: skip

            async def closed() -> bool:
                res = await client.get(f"/v1/weeks/{week}/ranking")
                return bool(res.json()["status"] == "closed")

            await eventually(closed, timeout=120, what="week closed after the clock moved")
    finally:
        await bus.close()
    return week


async def test_dashboard_shows_the_ranking_of_a_closed_week(
    metrics_url: str, amqp_url: str, namespace: str, unique: str
) -> None:
    from playwright.async_api import async_playwright

    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    week = await seed_and_close(metrics_url, amqp_url, namespace, unique)
    qc = token("qc_analyst")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            await page.goto(f"{metrics_url}/dashboard#token={qc}&week={week}")
            await page.wait_for_selector(f"body[data-loaded='{week}']", timeout=20_000)
            rows = page.locator("#ranking tbody tr")
            assert await rows.count() == 12
            assert "closed" in await page.locator("#status").inner_text()
            first = await rows.nth(0).inner_text()
            assert first.split("\t")[:3] == ["1", f"{unique}-s00", "100.00"]
            assert await page.locator("#bottom10 tbody tr").count() == 10
            assert await page.locator("#ranking tr.b10").count() == 10
            await rows.nth(11).click()
            await page.wait_for_selector("#scorechart circle")
            assert f"{unique}-s09" in await page.locator("#card").inner_text()
            assert await page.locator("#error").inner_text() == ""
            assert failed == []
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "metrics-dashboard.png"
            png = await page.screenshot(path=str(shot), full_page=True)
            assert len(png) > 10_000
        finally:
            await browser.close()
