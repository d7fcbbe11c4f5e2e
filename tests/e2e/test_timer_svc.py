"""timer-svc as a process: the virtual clock's advance, two replicas, and a SIGKILL mid-batch."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerSchedule
from aftersales_shared.devstack import Process, Stack
from aftersales_shared.messaging import Bus, Topology
from aftersales_shared.persistence import Doc
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from timer_svc.adapters.deadline_docs import from_ms, to_doc
from timer_svc.domain.deadlines import Deadline

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
AGENT = bearer(Role.PLATFORM_AGENT)


@dataclass
class Timer:
    """What a test needs to start timer-svc processes against one database and namespace."""

    env: dict[str, str]
    logs: Path
    db: AsyncDatabase[Doc]
    stack: Stack = field(default_factory=Stack)

    def start(self, name: str, **extra: str) -> Process:
        process = self.stack.start_service(
            "timer-svc",
            port=free_port(),
            env={**self.env, **extra},
            log_path=self.logs / f"{name}.log",
        )
        return process

    async def ready(self) -> None:
        await asyncio.to_thread(self.stack.wait_ready, timeout=90)

    async def insert_due(self, count: int, *, due: datetime, prefix: str) -> list[str]:
        """Deadlines written straight into timer-svc's store, all due at `due`."""
        ids = [f"{prefix}-{i:05}" for i in range(count)]
        docs = [
            to_doc(
                Deadline(deadline_id=i, kind="AUTO_REFUND", order_id=f"o-{i}", due=due),
                now=from_ms(0),
            )
            for i in ids
        ]
        for start in range(0, count, 5_000):
            await self.db["deadlines"].insert_many(docs[start : start + 5_000])
        return ids


@pytest.fixture
async def timer(
    mongo_url: str,
    amqp_url: str,
    namespace: str,
    unique: str,
    tmp_path: Path,
    mongo_client: AsyncMongoClient[Doc],
) -> AsyncIterator[Timer]:
    prefix = f"e2e_{unique}"
    env = {
        "MONGO_URL": mongo_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": prefix,
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "LOG_LEVEL": "WARNING",
    }
    declare = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await declare.connect()  # the queues exist before any firing
    await declare.close()
    timer = Timer(env=env, logs=tmp_path, db=mongo_client[f"{prefix}_timer_svc"])
    try:
        yield timer
    finally:
        await asyncio.to_thread(timer.stack.stop)
        await mongo_client.drop_database(f"{prefix}_timer_svc")


@contextlib.asynccontextmanager
async def order_queue(amqp_url: str, namespace: str) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        yield await channel.get_queue(Topology(namespace).queue("order-svc"))
    finally:
        await connection.close()


async def take_all(queue: aio_pika.abc.AbstractQueue) -> list[Envelope]:
    """Everything on the queue now, in order."""
    taken = []
    while (raw := await queue.get(no_ack=True, fail=False)) is not None:
        taken.append(Envelope.model_validate_json(raw.body))
    return taken


@dataclass
class Collector:
    messages: list[Envelope] = field(default_factory=list)

    def by_deadline(self) -> dict[str, set[str]]:
        ids: dict[str, set[str]] = defaultdict(set)
        for message in self.messages:
            ids[message.payload["deadline_id"]].add(message.id)
        return ids


@pytest.fixture
async def collector(amqp_url: str, namespace: str, timer: Timer) -> AsyncIterator[Collector]:
    collected = Collector()
    async with order_queue(amqp_url, namespace) as queue:
        await queue.channel.set_qos(prefetch_count=1000)

        async def on_message(raw: aio_pika.abc.AbstractIncomingMessage) -> None:
            collected.messages.append(Envelope.model_validate_json(raw.body))
            await raw.ack()

        await queue.consume(on_message)
        yield collected


def wall_now() -> datetime:
    return datetime.now(UTC)  # the processes' virtual clock starts at the wall clock


async def test_advance_fires_in_due_order_and_answers_once_confirmed(
    timer: Timer, amqp_url: str, namespace: str, unique: str
) -> None:
    process = timer.start("timer")
    await timer.ready()
    base = wall_now()
    hours = list(range(1, 31))
    random.Random(4).shuffle(hours)
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    for h in [*hours, 100]:
        payload = TimerSchedule(
            deadline_id=f"{unique}-{h:03}",
            kind="SHIP_REMINDER",
            order_id=f"{unique}-o",
            due_at=base + timedelta(hours=h),
        )
        await bus.publish(
            envelope(type="timer.schedule", payload=payload, occurred_at=base, seller_id="s-1")
        )
    await bus.close()

    async def stored() -> bool:
        return await timer.db["deadlines"].count_documents({}) == 31

    await eventually(stored, what="all 31 deadlines stored")
    async with httpx.AsyncClient(base_url=process.url or "", timeout=120) as client:
        answer = await client.post(
            "/admin/clock/advance", json={"seconds": 30.5 * 3600}, headers=AGENT
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["fired"] == 30
        async with order_queue(amqp_url, namespace) as queue:
            assert queue.declaration_result.message_count == 30  # on the bus before the answer
            fired = await take_all(queue)
        assert [m.payload["deadline_id"] for m in fired] == [
            f"{unique}-{h:03}" for h in range(1, 31)
        ]
        assert (
            await client.post("/admin/clock/advance", json={"seconds": 60}, headers=AGENT)
        ).json()["fired"] == 0
        later = await client.post(
            "/admin/clock/advance", json={"seconds": 70 * 3600}, headers=AGENT
        )
        assert later.json()["fired"] == 1
        metrics = (await client.get("/metrics")).text
        assert 'timer_firing_lateness_seconds_count{trigger="advance"} 31.0' in metrics
        assert "timer_deadlines_pending" in metrics


def fired_total(metrics: str, trigger: str) -> float:
    prefix = f'timer_deadlines_fired_total{{trigger="{trigger}"}} '
    return sum(
        float(line[len(prefix) :]) for line in metrics.splitlines() if line.startswith(prefix)
    )


async def test_two_replicas_fire_ten_thousand_due_at_once_exactly_once(
    timer: Timer, collector: Collector, unique: str
) -> None:
    ids = await timer.insert_due(10_000, due=wall_now() + timedelta(days=1), prefix=unique)
    # Batches of 100, not 1,000: on a busy machine one replica could otherwise claim all ten
    # batches before the other has read the clock's broadcast, and the test would show no sharing.
    first, second = timer.start("a", TIMER_BATCH="100"), timer.start("b", TIMER_BATCH="100")
    await timer.ready()
    async with httpx.AsyncClient(timeout=120) as client:
        answer = await client.post(
            f"{first.url}/admin/clock/advance", json={"seconds": 2 * 86_400}, headers=AGENT
        )
        assert answer.status_code == 200, answer.text

        async def all_delivered() -> bool:
            return len(collector.messages) >= 10_000

        await eventually(all_delivered, timeout=180, what="10,000 firings delivered")
        by_first = answer.json()["fired"]
        by_second = fired_total((await client.get(f"{second.url}/metrics")).text, "loop")
    deliveries = [m.payload["deadline_id"] for m in collector.messages]
    assert sorted(deliveries) == ids  # each exactly once
    assert by_first + by_second == 10_000
    assert by_first > 0
    assert by_second > 0


async def test_sigkill_mid_batch_then_restart_fires_everything_none_twice_in_effect(
    timer: Timer, collector: Collector, unique: str
) -> None:
    ids = await timer.insert_due(5_000, due=wall_now() + timedelta(days=1), prefix=unique)
    victim = timer.start("victim", TIMER_LEASE_S="3", TIMER_BATCH="200")
    await timer.ready()

    async def advance() -> None:
        with contextlib.suppress(httpx.HTTPError):
            async with httpx.AsyncClient(timeout=120) as client:
                await client.post(
                    f"{victim.url}/admin/clock/advance", json={"seconds": 2 * 86_400}, headers=AGENT
                )

    advancing = asyncio.create_task(advance())

    async def some_fired() -> bool:
        return len(collector.messages) >= 600

    await eventually(some_fired, timeout=120, what="the first batches fired")
    victim.popen.kill()
    await asyncio.to_thread(victim.popen.wait)
    timer.stack.processes.remove(victim)
    await advancing
    killed_at = len(collector.messages)
    assert killed_at < 5_000, "the kill came too late to test anything"
    left_claimed = await timer.db["deadlines"].count_documents(
        {"state": {"$eq": "pending"}, "lease_ms": {"$gt": 0}}
    )
    assert left_claimed > 0, "the victim died holding claims that must expire and be taken over"

    timer.start("successor", TIMER_LEASE_S="3", TIMER_BATCH="200")
    await timer.ready()

    async def everything_fired() -> bool:
        pending = await timer.db["deadlines"].count_documents({"state": {"$ne": "fired"}})
        return pending == 0 and set(collector.by_deadline()) == set(ids)

    await eventually(everything_fired, timeout=90, what="every deadline fired after restart")
    by_deadline = collector.by_deadline()
    assert sorted(by_deadline) == ids
    assert all(len(message_ids) == 1 for message_ids in by_deadline.values()), (
        "a repeated firing must carry the same message id, so the consumer's inbox drops it"
    )
