"""Benchmark: one order grows to 20,000 history entries; does a write cost more as it grows?

One order-svc process and the development store. The order is taken to PROVISIONALLY_DONE, then
one customer writes 200-character messages to it, one at a time over one connection (the daily
cap raised for the run). Prints the median write time of the 100 writes made from 10, 100,
1,000, 10,000 and 20,000 entries on, the size of the order's view and of its stored document at
each of them, and the rate
at which `GET /history` pages through all of it (first half against second half of the pages).

    uv run python bench/order_growth.py [--entries 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import bson
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_shared.persistence import Doc, connect_mongo
from aftersales_testkit import bearer, free_port
from aftersales_testkit.order_facts import order_facts_for
from pymongo.asynchronous.collection import AsyncCollection
from service_env import service_env

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SELLER = "growth-seller"
WINDOW = 100
TEXT = ("留言 message " * 20)[:200]
CUSTOMER = bearer("customer", sub="growth-customer")
BOSS = bearer("seller_admin", sub="growth-boss", seller_id=SELLER)


async def call(
    s: aiohttp.ClientSession, method: str, path: str, headers: dict[str, str], body: Any = None
) -> tuple[int, bytes]:
    async with s.request(method, path, json=body, headers=headers) as r:
        data = await r.read()
        if r.status not in (200, 201):
            raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
        return r.status, data


async def processed_order(s: aiohttp.ClientSession) -> str:
    """A seller, and an order of theirs in PROVISIONALLY_DONE (the customer may write)."""
    seller = {
        "seller_id": SELLER,
        "name": "Growth",
        "cooperation_mode": "SOP",
        "aftersales_contact_phone": "13900000000",
    }
    await call(s, "POST", "/v1/sellers", bearer("platform_agent"), seller)
    application = {
        "order_no": f"G-{uuid.uuid4().hex[:8]}",
        "seller_id": SELLER,
        "sku": "SKU-1",
        "quantity": 1,
        "paid_amount": "99.00",
        "category": "phones",
        "reason": "broken",
        "description": "growth",
        "quality_issue": True,
        "customer_phone": "13800138000",
    }
    facts = order_facts_for(application, "growth-customer")
    await call(s, "POST", "/v1/orders", bearer("platform_agent"), facts)
    _, raw = await call(s, "POST", "/v1/service-orders", CUSTOMER, application)
    base = f"/v1/service-orders/{json.loads(raw)['id']}"
    await call(s, "POST", f"{base}/claim", BOSS)
    await call(s, "POST", f"{base}/audit", BOSS, {"result": "APPROVE_RETURN"})
    shipment = {"carrier": "SF", "tracking_no": "T1", "freight": "10"}
    await call(s, "POST", f"{base}/shipment", CUSTOMER, shipment)
    await call(s, "POST", f"{base}/receipt", BOSS, {"note": "ok"})
    await call(s, "POST", f"{base}/process", BOSS, {"outcome": "RETURN_ORIGINAL", "remark": "r"})
    return base


async def grow(
    s: aiohttp.ClientSession, base: str, entries: int, stored: AsyncCollection[Doc]
) -> None:
    checkpoints = [n for n in (10, 100, 1_000, 10_000, 20_000) if n <= entries]
    held = 6  # apply, claim, audit, shipment, receipt, process
    print(f"{'entries':>8} {'median write':>13} {'p90 write':>10} {'view':>10} {'document':>9}")
    started = time.perf_counter()
    for n in checkpoints:
        while held < n:
            await call(s, "POST", f"{base}/messages", CUSTOMER, {"text": TEXT})
            held += 1
        times = []
        for _ in range(WINDOW):
            t0 = time.perf_counter()
            await call(s, "POST", f"{base}/messages", CUSTOMER, {"text": TEXT})
            times.append(time.perf_counter() - t0)
            held += 1
        _, view = await call(s, "GET", base, BOSS)
        p90 = statistics.quantiles(times, n=10)[-1]
        doc = await stored.find_one({"_id": {"$eq": base.rsplit("/", 1)[-1]}})
        print(
            f"{n:>8,} {statistics.median(times) * 1000:>10.2f} ms {p90 * 1000:>7.2f} ms"
            f" {len(view) / 1024:>6.1f} KiB {len(bson.encode(doc or {})) / 1024:>5.1f} KiB"
            f"   ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    await page_through(s, base, held)


async def page_through(s: aiohttp.ClientSession, base: str, held: int) -> None:
    rates: list[float] = []
    seen, cursor = 0, None
    started = time.perf_counter()
    while True:
        query = f"?limit=200{'' if cursor is None else f'&cursor={cursor}'}"
        t0 = time.perf_counter()
        _, raw = await call(s, "GET", f"{base}/history{query}", BOSS)
        page = json.loads(raw)
        rates.append(len(page["items"]) / (time.perf_counter() - t0))
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    took = time.perf_counter() - started
    half = len(rates) // 2 or 1
    print(
        f"history: {seen:,} entries (order holds {held:,}) in {len(rates)} pages of 200,"
        f" {seen / took:,.0f} entries/s; median page rate first half"
        f" {statistics.median(rates[:half]):,.0f}/s, second half"
        f" {statistics.median(rates[half:] or rates):,.0f}/s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="growth-store-"))
    namespace = f"growth-{uuid.uuid4().hex[:8]}"
    stack = Stack()
    try:
        mongo_url = stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "log")
        port = free_port()
        env = service_env(mongo_url=mongo_url, namespace=namespace, db_prefix="growth") | {
            "CUSTOMER_MESSAGES_PER_DAY": str(args.entries + 10 * WINDOW),
        }
        stack.start_service("order-svc", port=port, env=env, log_path=data / "svc.log")
        stack.wait_ready(timeout=60)
        connector = aiohttp.TCPConnector(limit=1)
        store = connect_mongo(mongo_url)
        stored = store["growth_order_svc"]["service_orders"]
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", connector=connector) as s:
            await grow(s, await processed_order(s), args.entries, stored)
        await store.close()
    finally:
        stack.stop()
        await delete_namespace(AMQP, namespace)


if __name__ == "__main__":
    asyncio.run(main())
