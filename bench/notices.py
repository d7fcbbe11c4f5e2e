"""sms-svc benchmark: `notice.requested` at a steady rate, fanned out to 100 sellers' webhooks.

Runs sms-svc as a process against the local RabbitMQ and MONGO_URL (or a fresh development
store); the sellers' endpoints are one lean local HTTP server in this process (raw asyncio
HTTP/1.1, keep-alive, 200 at once) that notes when each notice id first arrives. Prints the
event → delivered latency percentiles (target p99 <= 1 s at 1,000/s), the deliveries made,
sms-svc's CPU and the store's per notice, sms-svc's round trips to the store per notice (its
`store_commands_total`), and sms-svc's resident memory at the start and the end (it should stay
flat). Usage:

    uv run python bench/notices.py [--rate 1000] [--seconds 10] [--sellers 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
from aftersales_shared.auth import Role
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus, delete_namespace
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import TEST_SECRET, eventually, free_port, token
from sms_svc.domain.notice import notice_id

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
ARRIVALS: dict[str, float] = {}


class LeanEndpoint(asyncio.Protocol):
    """Answers every POST 204 at once; notes the first arrival of each X-Notice-Id."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length, notice = 0, ""
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                key = name.strip().lower()
                if key == b"content-length":
                    length = int(value)
                elif key == b"x-notice-id":
                    notice = value.strip().decode()
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            ARRIVALS.setdefault(notice, time.time())
            self.transport.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")


async def store_commands(base: str) -> dict[str, float]:
    """sms-svc's `store_commands_total` by command (its round trips to the store)."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        text = (await client.get("/metrics")).text
    found = re.findall(r'^store_commands_total\{command="(\w+)"\} (\S+)$', text, re.M)
    return {name: float(value) for name, value in found}


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def subscribe(base: str, sellers: list[str], endpoint: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        for seller in sellers:
            headers = {
                "Authorization": f"Bearer {token(Role.SELLER_ADMIN, sub='a', seller_id=seller)}"
            }
            body = {"url": f"{endpoint}/{seller}", "secret": "bench-secret-0123456789"}
            answer = await client.put(f"/v1/webhooks/{seller}", json=body, headers=headers)
            answer.raise_for_status()


async def load(
    bus: Bus, sellers: list[str], *, run: str, rate: int, seconds: int
) -> dict[str, float]:
    """Publish rate × seconds notices on schedule; when each one's event was published."""
    published: dict[str, float] = {}
    count, t0 = rate * seconds, time.monotonic()

    async def one(n: int) -> None:
        await asyncio.sleep(max(0.0, t0 + n / rate - time.monotonic()))
        seller, now = sellers[n % len(sellers)], datetime.now(UTC)
        payload = NoticeRequested(
            notice_key=f"{run}-{n}", seller_id=seller, kind="AUDIT_DUE_SOON", order_id=f"o{n}",
            order_no=f"SO{n}", due_at=now + timedelta(hours=2),
        )  # fmt: skip
        published[notice_id(payload.notice_key)] = time.time()
        await bus.publish(
            envelope(type="notice.requested", payload=payload, occurred_at=now, seller_id=seller)
        )

    await asyncio.gather(*(one(n) for n in range(count)))
    return published


async def run_case(
    *, rate: int, seconds: int, sellers: int, mongo_url: str, store_pid: int | None
) -> None:
    run = uuid.uuid4().hex[:8]
    namespace, prefix = f"bench-{run}", f"bench_{run}"
    stack, port = Stack(), free_port()
    server = await asyncio.get_running_loop().create_server(LeanEndpoint, "127.0.0.1", 0)
    endpoint = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"
    env = {
        "AMQP_URL": AMQP_URL, "BUS_NAMESPACE": namespace, "MONGO_URL": mongo_url,
        "MONGO_DB_PREFIX": prefix, "AUTH_SECRET": TEST_SECRET, "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    pid = stack.start_service("sms-svc", port=port, env=env).popen.pid
    bus = Bus(url=AMQP_URL, namespace=namespace, service="order-svc")
    names = [f"seller-{run}-{n:03d}" for n in range(sellers)]
    try:
        await asyncio.to_thread(stack.wait_ready, timeout=60)
        await bus.connect()
        await subscribe(f"http://127.0.0.1:{port}", names, endpoint)
        start_rss, cpu = rss_mb(pid), cpu_seconds(pid)
        store_cpu = cpu_seconds(store_pid) if store_pid else 0.0
        bench_cpu = cpu_seconds(os.getpid())
        commands = await store_commands(f"http://127.0.0.1:{port}")
        started = time.monotonic()
        published = await load(bus, names, run=run, rate=rate, seconds=seconds)
        took = time.monotonic() - started

        async def arrived() -> bool:
            return len(published.keys() & ARRIVALS.keys()) == len(published)

        await eventually(arrived, timeout=180, interval=0.2, what="every notice delivered")
        lat = sorted(1000 * (ARRIVALS[i] - t) for i, t in published.items() if i in ARRIVALS)
        q = statistics.quantiles(lat, n=100)
        print(
            f"{len(lat)}/{len(published)} notices delivered to {sellers} webhooks, published at "
            f"{len(published) / took:.0f}/s (asked {rate}/s for {seconds}s)"
        )
        print(
            f"  event -> delivered: p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, "
            f"max {lat[-1]:.0f} ms (target p99 <= 1000 ms)"
        )
        cpu, n = cpu_seconds(pid) - cpu, len(published)
        bench_cpu = cpu_seconds(os.getpid()) - bench_cpu
        await asyncio.sleep(0.5)  # the last outcomes are written after the arrivals
        after = await store_commands(f"http://127.0.0.1:{port}")
        trips = {k: v - commands.get(k, 0) for k, v in after.items() if v > commands.get(k, 0)}
        print(f"  sms-svc CPU: {cpu:.1f}s = {1000 * cpu / n:.2f} ms per notice")
        if store_pid:
            store_cpu = cpu_seconds(store_pid) - store_cpu
            print(f"  store CPU: {store_cpu:.1f}s = {1000 * store_cpu / n:.2f} ms per notice")
        print(f"  this bench (publisher, endpoints): {1000 * bench_cpu / n:.2f} ms per notice")
        print(
            f"  store round trips: {sum(trips.values()) / n:.3f} per notice ("
            + ", ".join(f"{k} {v:.0f}" for k, v in sorted(trips.items()))
            + ")"
        )
        print(f"  sms-svc RSS: {start_rss:.0f} MB at the start, {rss_mb(pid):.0f} MB at the end")
        print("  load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        await bus.close()
        stack.stop()
        server.close()
        client = connect_mongo(mongo_url)
        await client.drop_database(f"{prefix}_sms_svc")
        await client.close()
        await delete_namespace(AMQP_URL, namespace)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sellers", type=int, default=100)
    args = parser.parse_args()
    store, data = Stack(), Path(tempfile.mkdtemp(prefix="bench-store-"))
    mongo_url = os.environ.get("MONGO_URL") or store.start_dev_store(
        port=free_port(), data_dir=data, log_path=data / "store.log"
    )
    store_pid = store.processes[0].popen.pid if store.processes else None
    try:
        await run_case(
            rate=args.rate, seconds=args.seconds, sellers=args.sellers, mongo_url=mongo_url,
            store_pid=store_pid,
        )  # fmt: skip
    finally:
        store.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
