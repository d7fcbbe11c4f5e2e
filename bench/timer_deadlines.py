"""timer-svc under load, and APScheduler 3 (MongoDB job store) on the same store in the same run.

    uv run --all-packages --group bench python bench/timer_deadlines.py [--pending 1000000]

Against the RabbitMQ at AMQP_URL and the MongoDB at MONGO_URL (default: a fresh development
store, nx-27017, started here in a temporary directory). Prints:

1. timer-svc's RSS with 0 and with 1,000,000 pending deadlines (they live in the store, not RAM);
2. the firing rate when 100,000 fall due at once (virtual clock advanced; the call answers when
   every firing is confirmed by the broker; the order-svc queue then holds them all);
3. the lateness p50 / p99 / max at a steady 500 due per second (30 s), measured by a consumer
   (the deadlines are armed 4 s ahead, half a second's worth at a time, while the others fire);
4. APScheduler 3.11 with MongoDBJobStore: 20,000 date jobs due at once (its job is a no-op, so
   it does less work per firing than timer-svc, which publishes with a confirm).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import psutil
from aftersales_shared.auth import Role
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus, Topology, delete_namespace
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from pymongo import AsyncMongoClient, MongoClient

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
AGENT = bearer(Role.PLATFORM_AGENT)
CHUNK = 20_000


def wall_ms() -> int:
    return int(time.time() * 1000)


def docs(prefix: str, start: int, count: int, due_ms: Any) -> list[dict[str, Any]]:
    """Deadline documents as timer-svc stores them (see adapters/deadline_store.to_doc)."""
    return [
        {
            "_id": f"{prefix}-{i}",
            "kind": "AUTO_REFUND",
            "order_id": f"{prefix}-o{i}",
            "seller_id": "s-bench",
            "correlation_id": None,
            "data": {},
            "due_ms": due_ms(i),
            "gen": 0,
            "lease_ms": 0,
            "created_ms": 0,
            "state": "pending",
            "next_ms": due_ms(i),
        }
        for i in range(start, start + count)
    ]


async def insert(collection: Any, prefix: str, count: int, due_ms: Any) -> float:
    """Bulk insert; the rate in documents per second."""
    started = time.perf_counter()
    for start in range(0, count, CHUNK):
        batch = docs(prefix, start, min(CHUNK, count - start), due_ms)
        await collection.insert_many(batch, ordered=False)
    return count / (time.perf_counter() - started)


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def metric(client: httpx.AsyncClient, name: str) -> float:
    for line in (await client.get("/metrics")).text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return float("nan")


async def timer_svc(
    mongo_url: str, *, pending: int, burst: int, steady_s: int, results: dict[str, Any]
) -> None:
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    prefix = f"bench_{uuid.uuid4().hex[:6]}"
    declare = Bus(url=AMQP_URL, namespace=namespace, service="order-svc")
    await declare.connect()
    await declare.close()
    stack = Stack()
    port = free_port()
    env = {
        "MONGO_URL": mongo_url,
        "AMQP_URL": AMQP_URL,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": prefix,
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "LOG_LEVEL": "WARNING",
        "TIMER_PENDING_REFRESH_S": "2",
    }
    process = stack.start_service("timer-svc", port=port, env=env)
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    collection = mongo[f"{prefix}_timer_svc"]["deadlines"]
    connection = await aio_pika.connect(AMQP_URL)
    channel = await connection.channel()
    queue_name = Topology(namespace).queue("order-svc")
    try:
        await asyncio.to_thread(stack.wait_ready, timeout=90)
        pid = process.popen.pid
        async with httpx.AsyncClient(base_url=process.url or "", timeout=600) as client:
            await asyncio.sleep(3)
            results["rss_0"] = rss_mb(pid)
            print(f"timer-svc RSS with 0 pending: {results['rss_0']:.1f} MiB", flush=True)
            year = wall_ms() + 365 * 86_400_000
            rate = await insert(collection, "far", pending, lambda i: year + i)
            print(f"inserted {pending:,} pending deadlines ({rate:,.0f}/s)", flush=True)

            async def counted() -> bool:
                return await metric(client, "timer_deadlines_pending") >= pending

            await eventually(counted, timeout=120, interval=0.5, what="the pending gauge")
            await asyncio.sleep(3)
            results["rss_pending"] = rss_mb(pid)
            print(f"timer-svc RSS with {pending:,} pending: {results['rss_pending']:.1f} MiB")

            offset = (await client.get("/admin/clock", headers=AGENT)).json()["offset_seconds"]
            virtual_ms = wall_ms() + int(offset * 1000)
            await insert(collection, "burst", burst, lambda i: virtual_ms + 3_600_000)
            order_queue = await channel.get_queue(queue_name)
            await order_queue.purge()
            started = time.perf_counter()
            answer = await client.post(
                "/admin/clock/advance", json={"seconds": 7200}, headers=AGENT
            )
            elapsed = time.perf_counter() - started
            fired = answer.json()["fired"]
            queue = await channel.declare_queue(queue_name, passive=True)
            on_bus = queue.declaration_result.message_count
            results["rate"] = fired / elapsed
            print(
                f"{burst:,} due at once: {fired:,} fired in {elapsed:.1f} s = "
                f"{results['rate']:,.0f}/s; on the order-svc queue: {on_bus:,} "
                f"(machine load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            await order_queue.purge()
            results["rss_after"] = rss_mb(pid)
            await steady(client, collection, channel, queue_name, results, seconds=steady_s)
        results["rss_end"] = rss_mb(pid)
    finally:
        await connection.close()
        await asyncio.to_thread(stack.stop)
        await mongo.drop_database(f"{prefix}_timer_svc")
        await mongo.close()
        await delete_namespace(AMQP_URL, namespace)


async def steady(
    client: httpx.AsyncClient,
    collection: Any,
    channel: aio_pika.abc.AbstractChannel,
    queue_name: str,
    results: dict[str, Any],
    *,
    per_s: int = 500,
    seconds: int = 30,
) -> None:
    """Deadlines due at a steady rate; lateness measured where order-svc would receive them."""
    offset_ms = int(
        (await client.get("/admin/clock", headers=AGENT)).json()["offset_seconds"] * 1000
    )
    count = per_s * seconds
    start_ms = wall_ms() + offset_ms + 5_000

    def due(i: int) -> int:
        return start_ms + i * 1000 // per_s

    async def feed() -> None:
        """Arm each half second's deadlines 4 s before they fall due, as order-svc would."""
        for first in range(0, count, per_s // 2):
            lead_ms = due(first) - 4_000 - (wall_ms() + offset_ms)
            if lead_ms > 0:
                await asyncio.sleep(lead_ms / 1000)
            batch = docs("steady", first, min(per_s // 2, count - first), due)
            await collection.insert_many(batch, ordered=False)

    feeding = asyncio.create_task(feed())
    received: list[float] = []
    stamped: list[float] = []
    done = asyncio.Event()
    queue = await channel.get_queue(queue_name)
    await channel.set_qos(prefetch_count=1000)

    async def on_message(raw: aio_pika.abc.AbstractIncomingMessage) -> None:
        now_ms = wall_ms() + offset_ms
        payload = json.loads(raw.body)["payload"]
        due = datetime.fromisoformat(payload["due_at"])
        fired_at = datetime.fromisoformat(payload["fired_at"])
        received.append(now_ms / 1000 - due.timestamp())
        stamped.append((fired_at - due).total_seconds())
        await raw.ack()
        if len(received) >= count:
            done.set()

    await queue.consume(on_message)
    await asyncio.wait_for(done.wait(), timeout=seconds + 120)
    await feeding
    results["lateness_p50"] = statistics.median(received)
    results["lateness_p99"] = percentile(received, 0.99)
    results["lateness_max"] = max(received)
    print(
        f"steady {per_s}/s for {seconds} s: lateness at the consumer p50 "
        f"{results['lateness_p50']:.3f} s, p99 {results['lateness_p99']:.3f} s, max "
        f"{results['lateness_max']:.3f} s (stamped at publish: p99 "
        f"{percentile(stamped, 0.99):.3f} s)",
        flush=True,
    )


FIRED_AT: list[float] = []
LOCK = threading.Lock()


def aps_job() -> None:
    with LOCK:
        FIRED_AT.append(time.time())


def apscheduler(mongo_url: str, results: dict[str, Any], jobs: int = 20_000) -> None:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.mongodb import MongoDBJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
    database = f"bench_aps_{uuid.uuid4().hex[:6]}"
    scheduler = BackgroundScheduler(
        jobstores={"default": MongoDBJobStore(database=database, client=client)},
        executors={"default": ThreadPoolExecutor(10)},
        job_defaults={"misfire_grace_time": None, "coalesce": False},
        timezone=UTC,
    )
    scheduler.start(paused=True)
    try:
        run_date = datetime.now(UTC) + timedelta(seconds=1)
        started = time.perf_counter()
        for i in range(jobs):
            scheduler.add_job(aps_job, "date", run_date=run_date, id=f"aps-{i}")
        print(f"APScheduler: {jobs:,} jobs added ({jobs / (time.perf_counter() - started):,.0f}/s)")
        resumed = time.time()
        scheduler.resume()
        while len(FIRED_AT) < jobs and time.time() - resumed < 600:
            time.sleep(0.1)
        fired = len(FIRED_AT)
        elapsed = max(FIRED_AT) - resumed
        lateness = [t - resumed for t in FIRED_AT]
        results["aps_rate"] = fired / elapsed
        results["aps_p99"] = percentile(lateness, 0.99)
        print(
            f"APScheduler 3 + MongoDBJobStore, {jobs:,} due at once: {fired:,} fired in "
            f"{elapsed:.1f} s = {results['aps_rate']:,.0f}/s; lateness p99 "
            f"{results['aps_p99']:.1f} s (machine load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    finally:
        scheduler.pause()
        logging.getLogger("apscheduler").setLevel(logging.CRITICAL)  # its thread races shutdown
        scheduler.shutdown(wait=True)  # closes `client` too (the job store owns it)
        with MongoClient(mongo_url) as cleaner:
            cleaner.drop_database(database)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--burst", type=int, default=100_000)
    parser.add_argument("--steady-seconds", type=int, default=30)
    parser.add_argument("--aps-jobs", type=int, default=20_000)
    args = parser.parse_args()
    stack = Stack()
    data = Path(tempfile.mkdtemp(prefix="bench-store-"))
    results: dict[str, Any] = {}
    try:
        mongo_url = os.environ.get("MONGO_URL") or stack.start_dev_store(
            port=free_port(), data_dir=data, log_path=data / "store.log"
        )
        asyncio.run(
            timer_svc(
                mongo_url,
                pending=args.pending,
                burst=args.burst,
                steady_s=args.steady_seconds,
                results=results,
            )
        )
        apscheduler(mongo_url, results, jobs=args.aps_jobs)
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)
    growth = results["rss_pending"] - results["rss_0"]
    print("\nsummary")
    print(
        f"  RSS 0 -> {args.pending:,} pending: {results['rss_0']:.1f} -> "
        f"{results['rss_pending']:.1f} MiB ({growth:+.1f}); after firing 100k "
        f"{results['rss_after']:.1f}; at the end {results['rss_end']:.1f}"
    )
    print(f"  firing rate, {args.burst:,} due at once: {results['rate']:,.0f}/s (target >= 1,500)")
    print(
        f"  APScheduler, {args.aps_jobs:,} due at once: {results['aps_rate']:,.0f}/s; "
        f"ratio {results['rate'] / results['aps_rate']:.2f}x (target >= 1.2x)"
    )
    print(f"  lateness p99 at 500/s: {results['lateness_p99']:.3f} s (target <= 1 s)")


if __name__ == "__main__":
    main()
