"""Benchmark: the workbench's reads over HTTP with 100,000 orders in the store, 10,000 one seller's.

One order-svc process on the development store. The orders are written straight to the store in
the shape order-svc stores (`order_doc` of a real order, spread over every state, flag and
deadline), then the seller's main account and a staff member (one category) ask, one request at
a time, for the tab counts and for the first page of each tab. Prints p50 / p99 / max per call
(target: p99 <= 100 ms for `counts` and every first page).

    uv run --frozen python bench/workbench_api.py [--orders 100000] [--seller-orders 10000]
        [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import bearer, free_port
from order_svc.adapters.mongo import order_doc
from order_svc.adapters.order_queries import NO_DUE_MS
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import apply
from order_svc.domain.model import Status
from service_env import service_env

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SELLER = "bench-seller"
OPEN = [s for s in Status][:7]
CATEGORIES = ("phones", "appliances", "shoes", "books")
TARGET_MS = 100.0


def template() -> dict[str, Any]:
    body = c.Apply(
        order_no="T-1",
        seller_id=SELLER,
        sku="SKU-1",
        quantity=1,
        paid_amount="199.00",  # type: ignore[arg-type]
        category="phones",
        reason="broken",
        description="screen cracked",
        quality_issue=True,
        customer_phone="13800138000",
    )
    now = datetime.now(UTC)
    order = apply(body, order_id="t", customer=Actor.customer("c"), now=now).order
    doc = order_doc(order)
    doc.pop("open_line", None)
    return doc | {"version": 1}


def docs(n: int, *, seller_orders: int, base: dict[str, Any]) -> list[dict[str, Any]]:
    now_ms = int(time.time() * 1000)
    out = []
    for i in range(n):
        status = OPEN[i % 7] if i % 10 < 8 else list(Status)[7 + i % 4]
        seller = SELLER if i < seller_orders else f"other-{i % 500}"
        due = NO_DUE_MS if status not in OPEN or i % 53 == 0 else now_ms + (i % 400) * 3_600_000
        out.append(
            base
            | {
                "_id": f"so-{i:06d}",
                "id": f"so-{i:06d}",
                "order_no": f"N{i:06d}",
                "seller_id": seller,
                "customer_id": f"cust-{i % 5000}",
                "status": status.value,
                "category": CATEGORIES[i % 4],
                "created_ms": now_ms - i * 1000,
                "locked": i % 53 == 0,
                "shipped": status is Status.AWAITING_RETURN and i % 2 == 0,
                "customer_responded": status is Status.PENDING_AUDIT and i % 3 == 0,
                "next_due_ms": due,
                "next_due_kind": None if due == NO_DUE_MS else "AUDIT_OVERDUE",
                "assignee": None if status is Status.PENDING_CLAIM else "bench-staff",
            }
        )
    return out


async def load(mongo_url: str, *, orders: int, seller_orders: int) -> float:
    client = connect_mongo(mongo_url)
    started = time.monotonic()
    collection = client["bench_order_svc"]["service_orders"]
    rows = docs(orders, seller_orders=seller_orders, base=template())
    for k in range(0, len(rows), 2000):
        await collection.insert_many(rows[k : k + 2000])
    await client.close()
    return time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(client: httpx.AsyncClient, path: str, headers: dict[str, str], n: int) -> str:
    for _ in range(5):  # warm-up
        (await client.get(path, headers=headers)).raise_for_status()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        r = await client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        r.raise_for_status()
    p99 = pct(times, 0.99)
    verdict = "ok" if p99 <= TARGET_MS else "OVER"
    return (
        f"{path:<70} p50 {pct(times, 0.5):6.1f} ms  p99 {p99:6.1f} ms  "
        f"max {max(times):6.1f} ms  {verdict}"
    )


TABS = (
    "/v1/service-orders/counts",
    "/v1/service-orders?status=PENDING_CLAIM",
    "/v1/service-orders?status=PENDING_AUDIT&customer_responded=true",
    "/v1/service-orders?status=AWAITING_RETURN&shipped=false",
    "/v1/service-orders?status=AWAITING_RETURN&shipped=true",
    "/v1/service-orders?status=PENDING_PROCESS",
    "/v1/service-orders?status=PROVISIONALLY_DONE",
    "/v1/service-orders?status=UNRESOLVED",
    "/v1/service-orders",
    "/v1/service-orders?due_within_hours=24&sort=due",
    "/v1/service-orders?locked=true",
)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seller-orders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-workbench-"))
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    stack = Stack()
    try:
        mongo_url = stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "log")
        seconds = await load(mongo_url, orders=args.orders, seller_orders=args.seller_orders)
        print(
            f"stored {args.orders:,} orders ({args.seller_orders:,} one seller's) "
            f"in {seconds:.1f} s"
        )
        port = free_port()
        env = service_env(mongo_url=mongo_url, namespace=namespace, db_prefix="bench")
        stack.start_service("order-svc", port=port, env=env, log_path=data / "svc.log")
        stack.wait_ready(timeout=600)  # the indexes are built over the stored orders first
        url = f"http://127.0.0.1:{port}"
        boss = bearer("seller_admin", sub="bench-boss", seller_id=SELLER)
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            body = {
                "seller_id": SELLER,
                "name": "Bench",
                "cooperation_mode": "SOP",
                "aftersales_contact_phone": "13900000000",
            }
            await client.post("/v1/sellers", headers=bearer("platform_agent"), json=body)
            staff = {
                "staff_id": "bench-staff",
                "name": "b",
                "permissions": ["AUDIT", "PROCESS"],
                "categories": ["phones"],
            }
            await client.post(f"/v1/sellers/{SELLER}/staff", headers=boss, json=staff)
            counts = (await client.get(TABS[0], headers=boss)).json()
            print(f"the seller's counts: {counts}")
            print(f"main account ({args.requests} sequential requests each):")
            for path in TABS:
                print(" ", await measure(client, path, boss, args.requests))
            member = bearer("seller_staff", sub="bench-staff", seller_id=SELLER)
            print("staff member with one category of four:")
            for path in TABS[:3]:
                print(" ", await measure(client, path, member, args.requests))
    finally:
        stack.stop()
        await delete_namespace(AMQP, namespace)


if __name__ == "__main__":
    asyncio.run(main())
