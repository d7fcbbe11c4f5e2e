"""Benchmark: 1,000,000 order events for 100,000 sellers in one week, through the broker.

metrics-svc runs as its own process (virtual clock) against a dev store (or MONGO_URL) and the
real RabbitMQ. The events carry money movements as order-svc publishes them (a refund and a
return freight refund on the processed order, an outbound freight on the shipped exchange), so
the ledger's cost is in the ingestion rate. The bench first publishes every event into
metrics-svc's queue (each seller's order lifecycles, 10 events a seller: two orders, one
returned, processed and rated, one reshipped with an exchange order; phase by phase with the
sellers shuffled, as real traffic interleaves), then starts metrics-svc and times the drain of
the queue: that is the ingestion
rate, measured apart from the broker's publish rate (printed too). Then it moves the virtual
clock past that week's Sunday 24:00 and times the close and ranking. Prints ingestion events/s
(target >= 5,000), the monthly statement of one seller with `--statement-entries` entries
(p99 target <= 200 ms), time to close and rank (target <= 60 s) and the service's peak memory.

    uv run python bench/metrics_ingest.py [--sellers 100000] [--events-per-seller 10]
        [--statement-entries 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import psutil
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus, delete_namespace
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from metrics_svc.domain.months import month_of
from metrics_svc.domain.weeks import shift_week, week_end, week_of, week_start

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
H = timedelta(hours=1)


def iso(t: datetime) -> str:
    return t.isoformat()


def lifecycle(seller: str, start: datetime, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """Ten events of one seller: (type, ServiceOrderEvent fields) in the order they happen."""
    a, b = f"{seller}-a", f"{seller}-b"
    applied = start + timedelta(seconds=rng.randrange(0, 86_400))
    audited = applied + timedelta(minutes=rng.randrange(10, 14 * 60))
    received = applied + 30 * H
    processed = received + timedelta(minutes=rng.randrange(10, 14 * 60))
    decided = applied + timedelta(minutes=rng.randrange(10, 13 * 60))
    shipped = decided + timedelta(minutes=rng.randrange(10, 20 * 60))
    rating = rng.choice(["VERY_SATISFIED", "SATISFIED", "SATISFIED", "NEUTRAL", "DISSATISFIED"])
    base_a = {"order_id": a, "applied_at": iso(applied)}
    base_b = {"order_id": b, "applied_at": iso(applied)}
    exchange = {"exchange_order_id": f"{b}-x", "exchange_decided_at": iso(decided)}
    refunds = {
        "movements": [
            moved(a, "REFUND", "100.00", processed),
            moved(a, "FREIGHT_REFUND", "8.00", processed),
        ]
    }
    outbound = {"movements": [moved(b, "OUTBOUND_FREIGHT", "10.00", shipped, payee="PLATFORM")]}
    return [
        ("applied", base_a),
        ("applied", base_b),
        ("claimed", base_a),
        ("claimed", base_b),
        ("audited", base_a | {"audited_at": iso(audited), "audit_result": "APPROVE_RETURN"}),
        ("audited", base_b | {"audited_at": iso(decided), "audit_result": "RESHIP"} | exchange),
        ("received", base_a | {"received_at": iso(received)}),
        ("exchange_shipped", base_b | exchange | {"exchange_shipped_at": iso(shipped)} | outbound),
        (
            "processed",
            base_a | {"received_at": iso(received), "processed_at": iso(processed)} | refunds,
        ),
        ("rated", base_a | {"rating": rating}),
    ]


def moved(
    order: str, kind: str, amount: str, at: datetime, *, payee: str = "CUSTOMER"
) -> dict[str, str]:
    """A money movement on an event (`MoneyMovement`), as order-svc would put it there."""
    return {"id": f"{order}:{kind}@v1", "kind": kind, "amount": amount, "payer": "SELLER",
            "payee": payee, "at": iso(at)}  # fmt: skip


def body(kind: str, seller: str, fields: dict[str, Any], occurred: str) -> bytes:
    payload = {
        "order_no": f"N-{fields['order_id']}", "seller_id": seller, "category": "phone",
        "customer_tier": "GOLD", "status_from": None, "status_to": "X", "command": kind,
        "actor_id": "bench", "actor_role": "seller_staff", "paid_amount": "100.00",
        "order_version": 1,
    } | fields  # fmt: skip
    return json.dumps(
        {
            "id": uuid.uuid4().hex,
            "type": f"serviceorder.{kind}",
            "version": 1,
            "occurred_at": occurred,
            "seller_id": seller,
            "correlation_id": fields["order_id"],
            "payload": payload,
        }
    ).encode()


async def store_commands(client: httpx.AsyncClient) -> dict[str, int]:
    """The commands metrics-svc has sent to the store, by name (from its /metrics)."""
    text = (await client.get("/metrics")).text
    found: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("store_commands_total{"):
            name = line.split('command="', 1)[1].split('"', 1)[0]
            found[name] = int(float(line.rsplit(" ", 1)[1]))
    return found


def per(after: dict[str, int], before: dict[str, int], n: int, unit: float = 1) -> str:
    """Commands sent between two readings, per `n / unit` (a request, 1,000 events)."""
    rates = {k: (v - before.get(k, 0)) * unit / n for k, v in sorted(after.items())}
    return ", ".join(f"{k} {v:.2f}" for k, v in rates.items() if v)


async def handled(client: httpx.AsyncClient) -> int:
    """serviceorder.* messages metrics-svc has acknowledged (from its /metrics)."""
    text = (await client.get("/metrics")).text
    total = 0.0
    for line in text.splitlines():
        ours = line.startswith("bus_messages_handled_total{") and 'type="serviceorder.' in line
        if ours and 'result="ok"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


BIG = "big-seller"
"""The seller whose month holds `--statement-entries` ledger entries (a REFUND each)."""


def big_seller_events(week: str, entries: int) -> list[tuple[str, bytes]]:
    """`entries` processed orders of one seller, each with its refund, all in one month."""
    at = week_start(week) + 24 * H
    events = []
    for n in range(entries):
        order, when = f"{BIG}-{n}", at + timedelta(seconds=n)
        fields = {
            "order_id": order,
            "applied_at": iso(when - 48 * H),
            "movements": [moved(order, "REFUND", f"{1 + n % 500}.{n % 100:02d}", when)],
        }
        events.append(("processed", body("processed", BIG, fields, iso(when))))  # fmt: skip
    return events


async def publish_all(
    namespace: str, week: str, sellers: int, phases: int, *, big: int
) -> tuple[int, float]:
    """Publish each seller's lifecycle phase by phase (sellers shuffled), then the big seller's
    orders; (count, seconds)."""
    rng = random.Random(48)
    start = week_start(week)
    names = [f"b{i:06d}" for i in range(sellers)]
    per_seller = {s: lifecycle(s, start, rng) for s in names}
    occurred = iso(start + 3 * 24 * H)
    connection = await aio_pika.connect(AMQP_URL)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(namespace)
    began, published = time.monotonic(), 0
    for phase in range(phases):
        rng.shuffle(names)
        for i in range(0, len(names), 2000):
            msgs = []
            for seller in names[i : i + 2000]:
                kind, fields = per_seller[seller][phase]
                msgs.append((kind, body(kind, seller, fields, occurred)))
            await asyncio.gather(
                *(
                    exchange.publish(
                        aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        routing_key=f"event.serviceorder.{kind}",
                        mandatory=True,
                    )
                    for kind, b in msgs
                )
            )
            published += len(msgs)
        print(f"  published phase {phase + 1}/{phases}: {published:,} events", flush=True)
    extra = big_seller_events(week, big)
    for i in range(0, len(extra), 2000):
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                    routing_key=f"event.serviceorder.{kind}",
                    mandatory=True,
                )
                for kind, b in extra[i : i + 2000]
            )
        )
    published += len(extra)
    print(f"  published {len(extra):,} orders of {BIG} (one ledger entry each)", flush=True)
    await connection.close()
    return published, time.monotonic() - began


def cpu_s(process: psutil.Process | None) -> float:
    """The CPU seconds a process has used (user and system); 0 without one."""
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)


async def measure(
    url: str,
    pid: int,
    week: str,
    total: int,
    *,
    began: float,
    store: psutil.Process | None = None,
    store_began: float = 0.0,
) -> None:
    """Time the drain of the queue, then the close of the week after the clock passes it; the
    CPU of metrics-svc (from its start) and of the store (from `store_began`) in the drain."""
    process = psutil.Process(pid)
    peak = 0

    async with httpx.AsyncClient(base_url=url, headers=bearer("qc_analyst"), timeout=300) as http:

        async def drained() -> bool:
            nonlocal peak
            peak = max(peak, process.memory_info().rss)
            return await handled(http) >= total

        await eventually(drained, timeout=3600, interval=0.25, what="queue drained")
        ingest_s = time.monotonic() - began
        print(f"ingested  {total:,} events in {ingest_s:.1f} s: {total / ingest_s:,.0f} events/s")
        print(f"peak RSS of metrics-svc while ingesting: {peak / 2**20:,.0f} MiB")
        service_us = cpu_s(process) / total * 1e6
        store_us = (cpu_s(store) - store_began) / total * 1e6
        print(f"CPU per event in the drain (from the process start): metrics-svc "
              f"{service_us:.0f} us, dev store {store_us:.0f} us")  # fmt: skip
        ingested = await store_commands(http)
        print(f"store commands per 1,000 events: {per(ingested, {}, total, 1000)}")
        await time_statement(http, week)
        await _advance_clock_past(week)
        began = time.monotonic()

        async def closed() -> dict[str, Any] | None:
            nonlocal peak
            peak = max(peak, process.memory_info().rss)
            weeks = (await http.get("/v1/weeks")).json()["items"]
            return next((w for w in weeks if w["week"] == week and w["status"] == "closed"), None)

        head = await eventually(closed, timeout=600, interval=0.25, what="week closed")
        close_s = time.monotonic() - began
        print(f"closed and ranked {week}: {head['ranked']:,} sellers in {close_s:.1f} s")
        began = time.monotonic()
        first = (await http.get(f"/v1/weeks/{week}/ranking?limit=100")).json()["items"][0]
        worst = (await http.get(f"/v1/weeks/{week}/bottom10")).json()["items"][0]
        print(
            f"ranking page + Bottom-10 read in {time.monotonic() - began:.2f} s: best "
            f"{first['seller_id']} {first['score']}, worst {worst['seller_id']} {worst['score']}"
        )
        print(f"peak RSS of metrics-svc overall: {peak / 2**20:,.0f} MiB")


async def time_statement(http: httpx.AsyncClient, week: str, rounds: int = 100) -> None:
    """The big seller's monthly statement, `rounds` times one after another: p50 and p99."""
    month = month_of(week_start(week) + 24 * H)
    path = f"/v1/statements/{month}?seller_id={BIG}"
    began = time.monotonic()
    first = (await http.get(path)).json()
    print(f"statement {month} of {BIG}, first read (cold cache): {time.monotonic() - began:.2f} s")
    before, times = await store_commands(http), []
    for _ in range(rounds):
        began = time.monotonic()
        res = await http.get(path)
        times.append(time.monotonic() - began)
        assert res.status_code == 200, res.text
    times.sort()
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"statement {month} of {BIG}: {len(first['refunds']['entries']):,} entries, total "
        f"{first['refunds']['total']}; p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
        f" over {rounds} reads after the first (target p99 <= 200 ms)"
    )
    print(f"store commands per statement read: {per(await store_commands(http), before, rounds)}")


async def _advance_clock_past(week: str) -> None:
    """Broadcast the virtual clock's new offset, as timer-svc does."""
    offset = (week_end(week) - datetime.now(UTC)).total_seconds() + 60
    message = {
        "id": uuid.uuid4().hex,
        "type": "clock.advanced",
        "version": 1,
        "occurred_at": iso(datetime.now(UTC)),
        "seller_id": None,
        "correlation_id": "bench",
        "payload": {"offset_seconds": offset},
    }
    connection = await aio_pika.connect(AMQP_URL)
    channel = await connection.channel()
    exchange = await channel.get_exchange(message_namespace())
    await exchange.publish(
        aio_pika.Message(json.dumps(message).encode()), routing_key="event.clock.advanced"
    )
    await connection.close()


_NAMESPACE = f"bench-{uuid.uuid4().hex[:8]}"


def message_namespace() -> str:
    return _NAMESPACE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=100_000)
    parser.add_argument("--events-per-seller", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--statement-entries", type=int, default=10_000)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="metrics-bench-"))
    stack, namespace = Stack(), message_namespace()
    week = shift_week(week_of(datetime.now(UTC)), 1)  # next week: nothing closes it early
    try:
        mongo = os.environ.get("MONGO_URL") or stack.start_dev_store(
            port=free_port(), data_dir=data / "store", log_path=data / "store.log"
        )
        asyncio.run(_declare(namespace))
        total, publish_s = asyncio.run(
            publish_all(
                namespace, week, args.sellers, args.events_per_seller, big=args.statement_entries
            )
        )
        print(f"published {total:,} events in {publish_s:.1f} s ({total / publish_s:,.0f}/s)")
        port = free_port()
        ours = not os.environ.get("MONGO_URL")  # the dev store is the first process started
        store = psutil.Process(stack.processes[0].popen.pid) if ours else None
        store_began = cpu_s(store)
        began = time.monotonic()  # the drain is timed from the process start (conservative)
        service = stack.start_service(
            "metrics-svc",
            port=port,
            env={
                "MONGO_URL": mongo,
                "MONGO_DB_PREFIX": f"bench{namespace[-8:]}",
                "AMQP_URL": AMQP_URL,
                "BUS_NAMESPACE": namespace,
                "AUTH_SECRET": TEST_SECRET,
                "CLOCK": "virtual",
                "CLOSE_POLL_S": "0.5",
                "LOG_LEVEL": "WARNING",
            },
            log_path=data / "metrics-svc.log",
        )
        stack.wait_ready(timeout=120)
        url = f"http://127.0.0.1:{port}"
        pid = service.popen.pid
        asyncio.run(
            measure(url, pid, week, total, began=began, store=store, store_began=store_began)
        )
        print(f"bench process RSS: {psutil.Process().memory_info().rss / 2**20:,.0f} MiB")
    finally:
        stack.stop()
        asyncio.run(delete_namespace(AMQP_URL, namespace))
        shutil.rmtree(data, ignore_errors=True)


async def _declare(namespace: str) -> None:
    """Declare the topology (queues and bindings) so that events wait for metrics-svc."""
    bus = Bus(url=AMQP_URL, namespace=namespace, service="order-svc")
    await bus.connect()
    await bus.close()


if __name__ == "__main__":
    main()
