"""Benchmark arbitration-svc in-process on the development store and the real broker.

uv run python bench/arbitration_cases.py [--cases 2000] [--rulings 300]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import httpx
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus, delete_namespace
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from arbitration_svc.bootstrap import definition
from arbitration_svc.config import Settings

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
AGENT = bearer("platform_agent", sub="bench-agent")


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] * 1000 if len(values) > 1 else 0.0


async def run(mongo_url: str, cases: int, rulings: int) -> None:
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        mongo_url=mongo_url,
        amqp_url=AMQP,
        bus_namespace=namespace,
        mongo_db_prefix="bench",
        auth_secret=TEST_SECRET,  # type: ignore[arg-type]
        backlog_refresh_s=5,
        outbox_poll_s=0.5,
    )
    app = create_app(definition(), settings)
    publisher = Bus(url=AMQP, namespace=namespace, service="order-svc")
    async with app.router.lifespan_context(app):
        await publisher.connect()
        db = app.state.runtime.db
        now = datetime.now(UTC)
        messages = [
            envelope(
                type="arbitration.requested",
                payload=ArbitrationRequested(
                    order_id=f"o-{n}",
                    seller_id=f"s-{n % 50}",
                    reason="bench",
                    requested_by="staff",
                    snapshot={"paid_amount": "199.00", "order_no": f"NO-{n}", "history": [{}] * 5},
                ),
                occurred_at=now - timedelta(hours=n % 240),
                seller_id=f"s-{n % 50}",
            )
            for n in range(cases)
        ]
        started = time.perf_counter()
        for i in range(0, cases, 200):
            await publisher.publish_many(messages[i : i + 200])

        async def all_open() -> bool:
            return bool(await db["cases"].count_documents({}) >= cases)

        await eventually(all_open, timeout=600, interval=0.1, what="all cases opened")
        elapsed = time.perf_counter() - started
        print(f"opened {cases} cases from the bus in {elapsed:.1f}s: {cases / elapsed:.0f}/s")

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b", headers=AGENT) as h:
            for label, params in [
                ("list OPEN limit=50", {"status": "OPEN", "limit": 50}),
                ("list seller + min_age 72h", {"seller_id": "s-7", "min_age_hours": 72}),
            ]:
                times = []
                for _ in range(100):
                    t = time.perf_counter()
                    assert (await h.get("/v1/cases", params=params)).status_code == 200
                    times.append(time.perf_counter() - t)
                print(f"{label}: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms")

            t, cursor, seen = time.perf_counter(), None, 0
            while True:
                params2: dict[str, object] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
                page = (await h.get("/v1/cases", params=params2)).json()
                seen += len(page["items"])
                if (cursor := page["next_cursor"]) is None:
                    break
            print(f"walked {seen} cases in pages of 200 in {time.perf_counter() - t:.2f}s")

            first = (await h.get("/v1/cases", params={"limit": min(rulings, 200)})).json()
            targets = [c["id"] for c in first["items"]]
            gate = asyncio.Semaphore(8)
            latencies: list[float] = []

            async def decide(case_id: str) -> None:
                async with gate:
                    t0 = time.perf_counter()
                    assert (await h.post(f"/v1/cases/{case_id}/take")).status_code == 200
                    body = {"outcome": "REFUND", "amount": "10.00", "note": "bench"}
                    r = await h.post(f"/v1/cases/{case_id}/ruling", json=body)
                    assert r.status_code == 200, r.text
                    latencies.append(time.perf_counter() - t0)

            t = time.perf_counter()
            await asyncio.gather(*(decide(i) for i in targets))
            elapsed = time.perf_counter() - t
            print(
                f"take+rule {len(targets)} cases (8 concurrent) in {elapsed:.1f}s: "
                f"{len(targets) / elapsed:.0f}/s, p50 {pct(latencies, 50):.0f} ms, "
                f"p95 {pct(latencies, 95):.0f} ms"
            )
            connection = await aio_pika.connect(AMQP)
            channel = await connection.channel()
            queue = await channel.get_queue(f"{namespace}.order-svc")
            got = 0

            async def all_ruled() -> bool:
                nonlocal got
                while await queue.get(no_ack=True, fail=False) is not None:
                    got += 1
                return got >= len(targets)

            await eventually(all_ruled, timeout=600, what="all rulings published")
            elapsed = time.perf_counter() - t
            print(f"all {got} arbitration.ruled messages in order-svc's queue after {elapsed:.1f}s")
            await connection.close()

        backlog = app.state.container.backlog
        t = time.perf_counter()
        await backlog.refresh()
        print(
            f"backlog recount over {cases - len(targets)} open cases: "
            f"{(time.perf_counter() - t) * 1000:.0f} ms"
        )
        await publisher.close()
        await app.state.runtime.client.drop_database(settings.mongo_db)
    await delete_namespace(AMQP, namespace)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rulings", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-store-"))
    stack = Stack()
    try:
        url = stack.start_dev_store(port=free_port(), data_dir=data, log_path=data / "store.log")
        asyncio.run(run(url, args.cases, args.rulings))
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
