"""Two metrics-svc processes: one active, one standby; kill -9 the active mid-stream, counts exact.

Both run against one queue and one database. Before the fix each counted part of the stream in
its own memory. Now the standby takes the lease when the active one dies, rebuilds the counters
from the store and consumes what the dead one had not acknowledged: every count is exact.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aftersales_shared.contracts import Envelope
from aftersales_shared.devstack import Process, Stack
from aftersales_shared.messaging import Bus
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.weeks import week_of

pytestmark = pytest.mark.e2e
SELLERS, ORDERS = 40, 150
QC = bearer("qc_analyst")


def late(seller: int, order: int) -> bool:
    """Seller `seller` audits every (seller % 7 + 2)-th order after more than 12 hours."""
    return order % (seller % 7 + 2) == 0


@pytest.fixture
async def stack(mongo_url: str, amqp_url: str, namespace: str, unique: str) -> AsyncIterator[Stack]:
    logs = Path(tempfile.mkdtemp(prefix="metrics-failover-"))
    running = Stack()
    running.logs = logs  # type: ignore[attr-defined]
    env = {
        "MONGO_URL": mongo_url, "MONGO_DB_PREFIX": f"f{unique}", "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace, "AUTH_SECRET": TEST_SECRET, "ACTIVE_LEASE_S": "2",
        "COUNTERS_CHECKPOINT_S": "1", "INGEST_MAX_BATCH": "50", "INGEST_MAX_DELAY_S": "0.02",
    }  # fmt: skip
    for name in ("a", "b"):
        running.start_service(
            "metrics-svc", port=free_port(), env=env, log_path=logs / f"metrics-{name}.log"
        )
        await asyncio.to_thread(running.wait_ready, timeout=90)
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(logs, ignore_errors=True)


async def active(client: httpx.AsyncClient, process: Process) -> bool:
    text = (await client.get(f"{process.url}/metrics")).text
    return "metrics_active 1.0" in text


async def new_facts(client: httpx.AsyncClient, process: Process) -> float:
    text = (await client.get(f"{process.url}/metrics")).text
    prefix = 'metrics_facts_ingested_total{result="new"} '
    return sum(float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix))


def audited_event(unique: str, seller: int, order: int, audited: datetime) -> Envelope:
    hours = 13 if late(seller, order) else 1
    return order_event(
        "audited",
        seller_id=f"{unique}-s{seller:02d}",
        order_id=f"{seller}-{order}",
        applied_at=audited - timedelta(hours=hours),
        audited_at=audited,
    )


async def publish_all(amqp_url: str, namespace: str, unique: str, audited: datetime) -> None:
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    try:
        for order in range(ORDERS):
            events = [audited_event(unique, s, order, audited) for s in range(SELLERS)]
            await asyncio.gather(*(bus.publish(e) for e in events))
    finally:
        await bus.close()


async def test_the_standby_takes_over_a_killed_active_and_every_count_is_exact(
    stack: Stack, amqp_url: str, namespace: str, unique: str
) -> None:
    first, second = stack.processes
    audited = datetime.now(UTC) - timedelta(minutes=1)
    week = week_of(audited)
    async with httpx.AsyncClient(timeout=30) as client:
        roles_before = (await active(client, first), await active(client, second))
        publishing = asyncio.create_task(publish_all(amqp_url, namespace, unique, audited))

        async def some_counted() -> bool:
            return await new_facts(client, first) >= 1_000

        await eventually(some_counted, timeout=120, what="the active one counted some facts")
        first.popen.kill()
        await asyncio.to_thread(first.popen.wait)
        stack.processes.remove(first)
        assert not publishing.done(), "the kill came too late to test anything"

        await publishing
        expected = {
            f"{unique}-s{s:02d}": (sum(not late(s, o) for o in range(ORDERS)), ORDERS)
            for s in range(SELLERS)
        }

        async def counts() -> dict[str, tuple[int, int]] | None:
            url = f"{second.url}/v1/weeks/{week}/ranking"
            rows = (await client.get(url, params={"limit": 100}, headers=QC)).json()["items"]
            found = {
                r["seller_id"]: (i["numerator"], i["denominator"])
                for r in rows
                for i in r["indicators"]
                if i["name"] == "audit_within_12h"
            }
            return found if found == expected else None

        await eventually(
            counts, timeout=120, interval=0.5, what="every count exact on the survivor"
        )
        assert roles_before == (True, False), "the first was active, the second standing by"
        assert await active(client, second), "the survivor is the active one now"
