"""Benchmark: 16 concurrent clients drive full service-order lifecycles over HTTP.

One order-svc process (or `--replicas N`, the clients spread over them), the development
store, the real RabbitMQ (every event confirmed by the
relay), aiohttp clients. Prints transitions/s, p50/p99 latency, the CPU each process spent per
transition (order-svc, store, this client), the store commands per transition, the messages
published per transition and how many went out during the load (with the broker's CPU), the
outbox drain time after the load, the relay's lag from a message's write (commit) to the broker's
confirm (p50/p99 of the load's messages, from order-svc's `outbox_lag_seconds` histogram,
interpolated within its buckets), the share of the load's messages confirmed before the load
ended, the store's bare read + compare-and-set rate in the same run, and order-svc's memory at
start, at 20 s, at the end and each tenth of the run.

    uv run python bench/order_lifecycle.py [--seconds 20] [--clients 16] [--staff] [--replicas 1]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import httpx
import psutil
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import bearer, free_port
from aftersales_testkit.order_facts import order_facts_for
from service_env import service_env

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SELLER = "bench-seller"
ORDER_SYSTEM = bearer("platform_agent", sub="bench-order-system")


async def lifecycle(
    client: aiohttp.ClientSession,
    n: int,
    tag: str,
    seller_h: dict[str, str],
    cust_h: dict[str, str],
    latencies: list[float],
    cust_sub: str,
) -> int:
    """apply → claim → approve → shipment → receipt → refund → resolve: 7 transitions (the order
    system records the order's facts first: not a transition, timed with the rest)."""

    async def call(path: str, headers: dict[str, str], body: object = None) -> dict[str, object]:
        started = time.perf_counter()
        async with client.post(path, json=body, headers=headers) as r:
            result: dict[str, object] = await r.json()
        latencies.append(time.perf_counter() - started)
        if r.status not in (200, 201):
            raise RuntimeError(f"{path}: {r.status} {result}")
        return result

    application = {
        "order_no": f"B-{tag}-{n}",
        "seller_id": SELLER,
        "sku": "SKU-1",
        "quantity": 1,
        "paid_amount": "99.00",
        "category": "phones",
        "reason": "broken",
        "description": "bench",
        "quality_issue": True,
        "customer_phone": "13800138000",
    }
    await call("/v1/orders", ORDER_SYSTEM, order_facts_for(application, cust_sub))
    order = await call("/v1/service-orders", cust_h, application)
    base = f"/v1/service-orders/{order['id']}"
    await call(f"{base}/claim", seller_h)
    await call(f"{base}/audit", seller_h, {"result": "APPROVE_RETURN"})
    await call(
        f"{base}/shipment", cust_h, {"carrier": "SF", "tracking_no": f"T{n}", "freight": "10"}
    )
    await call(f"{base}/receipt", seller_h, {"note": "ok"})
    await call(f"{base}/process", seller_h, {"outcome": "REFUND", "amount": "99.00", "reason": "q"})
    await call(f"{base}/resolve", cust_h)
    return 7


async def drive(
    urls: list[str], *, clients: int, seconds: float, staff: bool
) -> tuple[int, list[float], float]:
    seller_h = (
        bearer("seller_staff", sub="bench-staff", seller_id=SELLER)
        if staff
        else bearer("seller_admin", sub="bench-boss", seller_id=SELLER)
    )
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def one(i: int) -> int:
        done = 0
        cust_sub = f"bench-cust-{i}"
        cust_h = bearer("customer", sub=cust_sub)
        # aiohttp, not httpx, drives the load: on two cores the client's own CPU is taken
        # from the service, and aiohttp's costs a fraction of httpx's per request.
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(base_url=urls[i % len(urls)], timeout=timeout) as client:
            n = 0
            while time.perf_counter() < deadline:
                done += await lifecycle(
                    client, n, f"{i}-{uuid.uuid4().hex[:6]}", seller_h, cust_h, latencies, cust_sub
                )
                n += 1
        return done

    started = time.perf_counter()
    total = sum(await asyncio.gather(*(one(i) for i in range(clients))))
    return total, latencies, time.perf_counter() - started


async def bare_cas_rate(mongo_url: str, *, workers: int, seconds: float) -> float:
    """The store's own limit: read a document, then replace it if its version is unchanged."""
    client = connect_mongo(mongo_url)
    coll = client["bench_bare"]["docs"]
    await coll.delete_many({})
    await coll.insert_many([{"_id": f"d{i}", "_v": 1, "pad": "x" * 2000} for i in range(workers)])
    deadline = time.perf_counter() + seconds
    count = 0

    async def worker(i: int) -> None:
        nonlocal count
        while time.perf_counter() < deadline:
            doc = await coll.find_one({"_id": {"$eq": f"d{i}"}})
            assert doc is not None
            r = await coll.replace_one(
                {"_id": {"$eq": f"d{i}"}, "_v": {"$eq": doc["_v"]}}, {**doc, "_v": doc["_v"] + 1}
            )
            count += r.matched_count

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    rate = count / (time.perf_counter() - started)
    await client.drop_database("bench_bare")
    await client.close()
    return rate


async def outbox_drained(mongo_url: str, db: str, *, budget_s: float) -> float:
    """Seconds until every stored event has been published (confirmed) by the relay."""
    client = connect_mongo(mongo_url)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < budget_s:
            pending = await client[db]["service_orders"].count_documents(
                {"_outbox_pending": {"$eq": True}}
            )
            if pending == 0:
                return time.perf_counter() - started
            await asyncio.sleep(0.2)
        return float("nan")
    finally:
        await client.close()


async def metrics_text(urls: list[str]) -> list[str]:
    """Every replica's /metrics lines."""
    lines: list[str] = []
    async with httpx.AsyncClient() as c:
        for url in urls:
            lines += (await c.get(f"{url}/metrics")).text.splitlines()
    return lines


async def counters(urls: list[str], metric: str) -> dict[str, float]:
    """One of order-svc's Prometheus counters so far, by its first label, summed over the
    replicas (from /metrics)."""
    counts: dict[str, float] = {}
    for line in await metrics_text(urls):
        if line.startswith(metric + "{"):
            name = line.split('="', 1)[1].split('"', 1)[0]
            counts[name] = counts.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
    return counts


async def store_commands(urls: list[str]) -> dict[str, float]:
    """Commands sent to the store so far, by name."""
    return await counters(urls, "store_commands_total")


async def published(urls: list[str]) -> float:
    """Messages the relay has published (confirmed by the broker) so far."""
    return sum((await counters(urls, "bus_messages_published_total")).values())


async def lag_buckets(urls: list[str]) -> list[tuple[float, float]]:
    """The relay's lag histogram so far, summed over the replicas: (upper bound in seconds,
    cumulative count)."""
    out: dict[float, float] = {}
    for line in await metrics_text(urls):
        if line.startswith('outbox_lag_seconds_bucket{le="'):
            le = float(line.split('le="', 1)[1].split('"', 1)[0])
            out[le] = out.get(le, 0.0) + float(line.rsplit(" ", 1)[1])
    return sorted(out.items())


def lag_quantile(
    start: list[tuple[float, float]], end: list[tuple[float, float]], q: float
) -> float:
    """The q-quantile (ms) of the lags observed between two snapshots, linear within a bucket."""
    before = dict(start)
    counts = [(le, n - before.get(le, 0.0)) for le, n in end]
    total = counts[-1][1] if counts else 0.0
    if total <= 0:
        return float("nan")
    low, below = 0.0, 0.0
    for le, cumulative in counts:
        if cumulative >= q * total:
            if le == float("inf"):
                return low * 1000  # past the last bound: at least that
            share = (q * total - below) / max(cumulative - below, 1e-9)
            return (low + (le - low) * share) * 1000
        low, below = le, cumulative
    return low * 1000


def cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU time of a process so far: a cost that contention does not inflate much."""
    t = process.cpu_times()
    return float(t.user + t.system)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--staff", action="store_true", help="seller steps by a sub-account")
    parser.add_argument("--replicas", type=int, default=1, help="order-svc processes")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-store-"))
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    stack = Stack()
    try:
        mongo_url = stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "log")
        env = service_env(mongo_url=mongo_url, namespace=namespace, db_prefix="bench")
        svcs = [
            stack.start_service("order-svc", port=free_port(), env=env, log_path=data / "svc.log")
            for _ in range(args.replicas)
        ]
        stack.wait_ready(timeout=60)
        urls = [str(s.url) for s in svcs]
        url = urls[0]
        async with httpx.AsyncClient(base_url=url) as c:
            await c.post(
                "/v1/sellers",
                headers=bearer("platform_agent"),
                json={
                    "seller_id": SELLER,
                    "name": "Bench",
                    "cooperation_mode": "SOP",
                    "aftersales_contact_phone": "13900000000",
                },
            )
            await c.post(
                f"/v1/sellers/{SELLER}/staff",
                headers=bearer("seller_admin", sub="bench-boss", seller_id=SELLER),
                json={
                    "staff_id": "bench-staff",
                    "name": "b",
                    "permissions": ["AUDIT", "PROCESS"],
                    "categories": ["phones"],
                },
            )
        procs = [psutil.Process(s.popen.pid) for s in svcs]
        proc = procs[0]  # its memory is the one sampled
        store = psutil.Process(stack.processes[0].popen.pid)
        await drive(urls, clients=args.clients, seconds=2, staff=args.staff)  # warm-up
        rss_start = proc.memory_info().rss / 2**20
        me = psutil.Process()
        broker = next(
            (p for p in psutil.process_iter(["name"]) if p.info["name"] == "beam.smp"), None
        )
        cpu_start = sum(map(cpu_seconds, procs)), cpu_seconds(store), cpu_seconds(me)
        broker_start = cpu_seconds(broker) if broker else 0.0
        broker_in_load = 0.0
        commands_start = await store_commands(urls)
        published_start = await published(urls)
        lag_start = await lag_buckets(urls)
        rss: list[float] = []
        rss_at_20 = float("nan")
        load_started = time.perf_counter()

        async def sample_rss() -> None:
            nonlocal rss_at_20
            while True:
                rss.append(proc.memory_info().rss / 2**20)
                if rss_at_20 != rss_at_20 and time.perf_counter() - load_started >= 20:
                    rss_at_20 = rss[-1]
                await asyncio.sleep(1)

        sampler = asyncio.create_task(sample_rss())
        total, latencies, elapsed = await drive(
            urls, clients=args.clients, seconds=args.seconds, staff=args.staff
        )
        sampler.cancel()
        published_in_load = await published(urls) - published_start
        lag_in_load = await lag_buckets(urls)
        rss_end = proc.memory_info().rss / 2**20
        client_cpu = cpu_seconds(me) - cpu_start[2]
        broker_in_load = (cpu_seconds(broker) - broker_start) / elapsed if broker else 0.0
        drain = await outbox_drained(mongo_url, "bench_order_svc", budget_s=120)
        lag_end = await lag_buckets(urls)
        commands_end = await store_commands(urls)
        published_total = await published(urls) - published_start
        svc_cpu, store_cpu = (
            sum(map(cpu_seconds, procs)) - cpu_start[0],
            cpu_seconds(store) - cpu_start[1],
        )
        bare = await bare_cas_rate(mongo_url, workers=args.clients, seconds=5)
        rate = total / elapsed
        who = "staff" if args.staff else "main"
        print(f"clients={args.clients} seconds={elapsed:.1f} seller={who} replicas={args.replicas}")
        print(
            f"transitions={total} rate={rate:.0f}/s p50={pct(latencies, 0.5):.1f}ms "
            f"p99={pct(latencies, 0.99):.1f}ms"
        )
        print(f"bare read+CAS rate={bare:.0f}/s  ratio={rate / bare:.2f}")
        print(
            f"CPU per transition (load and outbox drain): order-svc={svc_cpu / total * 1000:.2f}ms "
            f"store={store_cpu / total * 1000:.2f}ms bench-client={client_cpu / total * 1000:.2f}ms"
        )
        per = {
            k: (v - commands_start.get(k, 0)) / total
            for k, v in sorted(commands_end.items())
            if v > commands_start.get(k, 0)
        }
        print(
            "store commands per transition: "
            + " ".join(f"{k}={v:.2f}" for k, v in per.items())
            + f" total={sum(per.values()):.2f}"
        )
        print(
            f"messages published: {published_total / total:.2f} per transition; "
            f"{published_in_load / elapsed:.0f}/s during the load, "
            f"{published_in_load / max(published_total, 1):.0%} of them before it ended; "
            f"the broker (local RabbitMQ, all its work) used {broker_in_load:.0%} of a core then"
        )
        print(f"outbox drained {drain:.1f}s after the load")
        confirmed_in_load = (lag_in_load[-1][1] - lag_start[-1][1]) if lag_in_load else 0.0
        confirmed_all = (lag_end[-1][1] - lag_start[-1][1]) if lag_end else 0.0
        p50, p99 = (lag_quantile(lag_start, lag_end, q) for q in (0.5, 0.99))
        print(
            f"relay lag (write to broker confirm): p50={p50:.0f}ms p99={p99:.0f}ms "
            f"over {confirmed_all:.0f} messages; {confirmed_in_load / max(confirmed_all, 1):.0%} "
            "of them confirmed before the load ended"
        )
        print(
            f"order-svc RSS start={rss_start:.0f}MiB at20s={rss_at_20:.0f}MiB end={rss_end:.0f}MiB "
            f"end/at20s={rss_end / rss_at_20:.3f}"
        )
        tenths = [rss[min(len(rss) - 1, len(rss) * k // 10)] for k in range(1, 11)]
        print(
            "order-svc RSS at each tenth of the run (MiB): " + " ".join(f"{r:.0f}" for r in tenths)
        )
    finally:
        stack.stop()
        await delete_namespace(AMQP, namespace)


if __name__ == "__main__":
    asyncio.run(main())
