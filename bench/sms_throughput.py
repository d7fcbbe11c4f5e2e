"""sms-svc benchmark: `sms.send` → SENT throughput (log and http providers) and latency at 100/s.

Runs sms-svc as a process against the local RabbitMQ and MONGO_URL (or a fresh development store),
with a lean fake gateway in this process (raw asyncio HTTP/1.1, keep-alive) answering after 50 ms;
reports the service's CPU time per message too, since these machines are shared. Usage:

    uv run python bench/sms_throughput.py [--count 3000] [--rate 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus, delete_namespace
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import TEST_SECRET, eventually, free_port
from sms_svc.domain.message import message_id

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
GATEWAY_DELAY_S = 0.05
STORE_PID = 0


class LeanGateway(asyncio.Protocol):
    """Answers every POST with 200 after 50 ms; counts requests (keep-alive, no framework)."""

    requests = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length = 0
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            LeanGateway.requests += 1
            asyncio.get_running_loop().call_later(GATEWAY_DELAY_S, self.reply)

    def reply(self) -> None:
        if not self.transport.is_closing():
            body = b'{"id":"gw"}'
            head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            self.transport.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)


def cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def command(run: str, n: int) -> SmsSend:
    return SmsSend(
        recipient=f"139{n:08d}",
        template="REFUND_ISSUED",
        params={"order_no": f"SO{n}", "amount": "99.00"},
        order_id=f"o-{run}-{n}",
        idempotency_key=f"{run}-{n}",
    )


async def publish(bus: Bus, sms: SmsSend) -> None:
    await bus.publish(
        envelope(type="sms.send", payload=sms, occurred_at=datetime.now(UTC), seller_id="bench")
    )


async def run_case(
    *, provider: str, count: int, rate: int, seconds: int, mongo_url: str, clients: int
) -> None:
    run = uuid.uuid4().hex[:8]
    namespace, prefix = f"bench-{run}", f"bench_{run}"
    stack = Stack()
    gateway_port = free_port()
    server = await asyncio.get_running_loop().create_server(LeanGateway, "127.0.0.1", gateway_port)
    async with server:
        env = {
            "AMQP_URL": AMQP_URL,
            "BUS_NAMESPACE": namespace,
            "MONGO_URL": mongo_url,
            "MONGO_DB_PREFIX": prefix,
            "AUTH_SECRET": TEST_SECRET,
            "LOG_LEVEL": "WARNING",
            "SMS_PROVIDER": provider,
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}/sms",
            "SMS_GATEWAY_API_KEY": "bench-key",
            "SMS_RATE_PER_HOUR": "1000",
            "SMS_GATEWAY_CLIENTS": str(clients),
        }
        pid = stack.start_service("sms-svc", port=free_port(), env=env).popen.pid
        client = connect_mongo(mongo_url)
        messages = client[f"{prefix}_sms_svc"]["messages"]
        bus = Bus(url=AMQP_URL, namespace=namespace, service="order-svc")
        try:
            await asyncio.to_thread(stack.wait_ready, timeout=60)
            await bus.connect()
            cpu, store_cpu = cpu_seconds(pid), cpu_seconds(STORE_PID) if STORE_PID else 0.0
            await throughput(bus, messages, run=run, count=count, provider=provider)
            cpu = cpu_seconds(pid) - cpu
            print(f"  sms-svc CPU: {cpu:.2f}s = {1000 * cpu / count:.2f} ms per message")
            if STORE_PID:
                store_cpu = cpu_seconds(STORE_PID) - store_cpu
                print(
                    f"  store CPU: {store_cpu:.2f}s = {1000 * store_cpu / count:.2f} ms per message"
                )
            await latency(bus, messages, run=f"{run}l", rate=rate, seconds=seconds)
            if provider == "http":
                print(f"  gateway requests: {LeanGateway.requests}")
        finally:
            await bus.close()
            stack.stop()
            await client.drop_database(f"{prefix}_sms_svc")
            await client.close()
            await delete_namespace(AMQP_URL, namespace)


async def sent_count(messages) -> int:  # type: ignore[no-untyped-def]
    return int(await messages.count_documents({"status": {"$eq": "SENT"}}))


async def all_sent(messages, count: int, *, budget_s: float) -> None:  # type: ignore[no-untyped-def]
    async def done() -> bool:
        return await sent_count(messages) >= count

    await eventually(done, timeout=budget_s, interval=0.5, what=f"{count} SENT")


async def throughput(bus: Bus, messages, *, run: str, count: int, provider: str) -> None:  # type: ignore[no-untyped-def]
    commands = [command(run, n) for n in range(count)]
    started = time.time()
    for i in range(0, count, 500):
        await asyncio.gather(*(publish(bus, c) for c in commands[i : i + 500]))
    published = time.time() - started
    await all_sent(messages, count, budget_s=300)
    docs = await messages.find({}, {"updated_at_ms": 1, "status": 1}).to_list()
    sent = [d for d in docs if d["status"] == "SENT"]
    last = max(d["updated_at_ms"] for d in sent) / 1000
    elapsed = last - started
    print(
        f"[{provider}] throughput: {len(sent)}/{count} SENT in {elapsed:.2f}s = "
        f"{len(sent) / elapsed:.0f}/s (publishing took {published:.2f}s)"
    )


async def latency(bus: Bus, messages, *, run: str, rate: int, seconds: int) -> None:  # type: ignore[no-untyped-def]
    count = rate * seconds
    before = await sent_count(messages)
    sent_at: dict[str, float] = {}
    t0 = time.monotonic()

    async def one(n: int) -> None:
        await asyncio.sleep(max(0.0, t0 + n / rate - time.monotonic()))
        sms = command(run, n)
        sent_at[message_id(sms.idempotency_key)] = time.time()
        await publish(bus, sms)

    await asyncio.gather(*(one(n) for n in range(count)))
    await all_sent(messages, before + count, budget_s=120)
    docs = await messages.find(
        {"_id": {"$in": list(sent_at)}, "status": {"$eq": "SENT"}}, {"updated_at_ms": 1}
    ).to_list()
    lat = sorted(d["updated_at_ms"] - sent_at[d["_id"]] * 1000 for d in docs)
    q = statistics.quantiles(lat, n=100)
    print(
        f"  latency at {rate}/s for {seconds}s ({len(lat)}/{count} SENT): "
        f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, max {lat[-1]:.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--provider", choices=["log", "http", "both"], default="both")
    parser.add_argument("--clients", type=int, default=8, help="HTTP clients (4 requests each)")
    args = parser.parse_args()
    store, data = Stack(), Path(tempfile.mkdtemp(prefix="bench-store-"))
    mongo_url = os.environ.get("MONGO_URL") or store.start_dev_store(
        port=free_port(), data_dir=data, log_path=data / "store.log"
    )
    global STORE_PID
    STORE_PID = store.processes[0].popen.pid if store.processes else 0
    try:
        for provider in ["log", "http"] if args.provider == "both" else [args.provider]:
            await run_case(
                provider=provider,
                count=args.count,
                rate=args.rate,
                seconds=args.seconds,
                mongo_url=mongo_url,
                clients=args.clients,
            )
    finally:
        store.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
