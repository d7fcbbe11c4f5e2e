"""The store is SIGKILLed under load and restarted: services answer at once, recover, and stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import httpx
import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerSchedule
from aftersales_shared.devstack import DEFAULT_PORTS, Process, Stack
from aftersales_shared.messaging import Bus, Topology, delete_namespace
from aftersales_shared.persistence import Doc, connect_mongo
from aftersales_testkit import TEST_SECRET, eventually, free_port
from pymongo import AsyncMongoClient
from pymongo.errors import ServerSelectionTimeoutError

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
GRACE_S = 5
log = logging.getLogger(__name__)
EXIT_MARGIN_S = 5


@dataclass
class Store:
    """A development store of the test's own, killed and restarted on the same port and data."""

    port: int
    data: Path
    logs: Path
    stack: Stack

    def start(self) -> str:
        return self.stack.start_dev_store(
            port=self.port, data_dir=self.data, log_path=self.logs / "store.log"
        )

    def kill(self) -> None:
        for process in self.stack.processes:
            process.popen.kill()
            process.popen.wait()
        self.stack.processes.clear()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    own = Store(port=free_port(), data=tmp_path / "db", logs=tmp_path, stack=Stack())
    own.start()
    yield own
    await asyncio.to_thread(own.stack.stop)


def service_env(store: Store, amqp_url: str, namespace: str) -> dict[str, str]:
    return {
        "MONGO_URL": f"mongodb://127.0.0.1:{store.port}",
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": f"faults_{namespace.replace('-', '_')}",
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "system",
        "BUS_SHUTDOWN_GRACE_S": str(GRACE_S),
        "LOG_LEVEL": "WARNING",
    }


async def readyz(http: httpx.AsyncClient, process: Process) -> tuple[int, float]:
    """The status of /readyz and how long it took to answer (seconds)."""
    began = time.monotonic()
    answer = await http.get(f"{process.url}/readyz")
    return answer.status_code, time.monotonic() - began


def schedule(deadline_id: str, due: datetime) -> Envelope:
    payload = TimerSchedule(
        deadline_id=deadline_id, kind="SHIP_REMINDER", order_id=f"o-{deadline_id}", due_at=due
    )
    return envelope(type="timer.schedule", payload=payload, occurred_at=due, seller_id="s-1")


async def stored_deadlines(store: Store, namespace: str, *, at_least: int) -> bool:
    """Whether timer-svc has stored that many deadlines yet (not yet, if the busy store is slow
    to answer this probe: the poll asks again)."""
    client: AsyncMongoClient[Doc] = connect_mongo(f"mongodb://127.0.0.1:{store.port}")
    try:
        db = client[f"{service_env(store, '', namespace)['MONGO_DB_PREFIX']}_timer_svc"]
        return await db["deadlines"].count_documents({}) >= at_least
    except ServerSelectionTimeoutError:
        return False
    finally:
        await client.close()


async def fired_ids(queue: aio_pika.abc.AbstractQueue, into: set[str]) -> set[str]:
    while (raw := await queue.get(no_ack=True, fail=False)) is not None:
        into.add(Envelope.model_validate_json(raw.body).payload["deadline_id"])
    return into


async def test_timer_svc_recovers_after_a_store_restart_and_stops_on_sigterm(
    store: Store, amqp_url: str, tmp_path: Path
) -> None:
    namespace = f"faults-{uuid.uuid4().hex[:8]}"
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()  # declares order-svc's queue, where the firings go
    services = Stack()
    process = services.start_service(
        "timer-svc",
        port=free_port(),
        env=service_env(store, amqp_url, namespace),
        log_path=tmp_path / "timer.log",
    )
    connection = await aio_pika.connect(amqp_url)
    try:
        await asyncio.to_thread(services.wait_ready, timeout=90)
        queue = await (await connection.channel()).get_queue(Topology(namespace).queue("order-svc"))
        past = datetime.now(UTC) - timedelta(minutes=1)
        load = [schedule(f"load-{i:05}", past) for i in range(3000)]
        async with httpx.AsyncClient(timeout=30) as http:
            publishing = asyncio.create_task(bus.publish_many(load))
            probes = [asyncio.create_task(readyz(http, process)) for _ in range(20)]
            await eventually(
                lambda: stored_deadlines(store, namespace, at_least=200),
                what="the load reaching the store",
            )
            store.kill()
            down = [await readyz(http, process) for _ in range(3)]
            await asyncio.gather(*probes, return_exceptions=True)
            store.start()
            back = time.monotonic()
            log.info("readyz with the store down under load: %s", down)
            assert all(status == 503 and took < 1 for status, took in down), down

            async def ready() -> bool:
                return (await readyz(http, process))[0] == 200

            await eventually(ready, timeout=120, what="timer-svc ready again")
            log.info("timer-svc ready %.1f s after the store restarted", time.monotonic() - back)
            await publishing
            await bus.publish(schedule("after-restart", datetime.now(UTC)))
            seen: set[str] = set()

            async def consumed() -> bool:
                return "after-restart" in await fired_ids(queue, seen)

            await eventually(
                consumed, timeout=120, what="a deadline scheduled after the restart fired"
            )
        store.kill()
        began = time.monotonic()
        process.popen.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.popen.wait, GRACE_S + EXIT_MARGIN_S)
        took = time.monotonic() - began
        log.info("timer-svc exited %.1f s after SIGTERM (store down), code %s", took, code)
        assert took < GRACE_S + EXIT_MARGIN_S, took
        assert code is not None
    finally:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(services.stop, timeout=5)
        await connection.close()
        await bus.close()
        await delete_namespace(amqp_url, namespace)


async def test_readiness_answers_within_a_second_while_the_store_is_down(
    store: Store, amqp_url: str, tmp_path: Path
) -> None:
    namespace = f"faults-{uuid.uuid4().hex[:8]}"
    services = Stack()
    processes = [
        services.start_service(
            name,
            port=free_port(),
            env=service_env(store, amqp_url, namespace),
            log_path=tmp_path / f"{name}.log",
        )
        for name in DEFAULT_PORTS
    ]
    try:
        await asyncio.to_thread(services.wait_ready, timeout=120)
        store.kill()
        async with httpx.AsyncClient(timeout=30) as http:
            for process in processes:
                answers = [await readyz(http, process) for _ in range(3)]
                log.info("%s readyz with the store down: %s", process.name, answers)
                assert all(status == 503 for status, _ in answers), (process.name, answers)
                assert max(took for _, took in answers) < 1, (process.name, answers)
            store.start()
            for process in processes:

                async def ready(process: Process = process) -> bool:
                    return (await readyz(http, process))[0] == 200

                await eventually(ready, timeout=120, what=f"{process.name} ready again")
    finally:
        await asyncio.to_thread(services.stop, timeout=15)
        await delete_namespace(amqp_url, namespace)


async def test_timer_svc_stops_in_time_while_the_store_hangs(
    store: Store, amqp_url: str, tmp_path: Path
) -> None:
    namespace = f"faults-{uuid.uuid4().hex[:8]}"
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    services = Stack()
    process = services.start_service(
        "timer-svc",
        port=free_port(),
        env=service_env(store, amqp_url, namespace),
        log_path=tmp_path / "timer.log",
    )
    (dev_store,) = store.stack.processes
    try:
        await asyncio.to_thread(services.wait_ready, timeout=90)
        past = datetime.now(UTC) - timedelta(minutes=1)
        await bus.publish_many([schedule(f"hang-{i:04}", past) for i in range(500)])
        dev_store.popen.send_signal(signal.SIGSTOP)  # connections stay open, nothing answers
        async with httpx.AsyncClient(timeout=30) as http:
            hung = [await readyz(http, process) for _ in range(3)]
        log.info("readyz with the store hung: %s", hung)
        assert all(status == 503 and took < 1 for status, took in hung), hung
        began = time.monotonic()
        process.popen.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(process.popen.wait, 60)
        took = time.monotonic() - began
        log.info("timer-svc exited %.1f s after SIGTERM (store hung)", took)
        assert process.popen.poll() is not None, "still running a minute after SIGTERM"
        assert took < GRACE_S + EXIT_MARGIN_S, took
    finally:
        dev_store.popen.send_signal(signal.SIGCONT)
        with contextlib.suppress(Exception):
            await asyncio.to_thread(services.stop, timeout=5)
        await bus.close()
        await delete_namespace(amqp_url, namespace)
