"""arbitration-svc as a process, black-box: bus in, HTTP for agents, bus out, survives a kill -9."""

from __future__ import annotations

import json
import signal
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ArbitrationRequested, ClockAdvanced
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port

pytestmark = pytest.mark.e2e

AGENT = bearer("platform_agent", sub="agent-e2e")


@pytest.fixture
def service(
    mongo_url: str, amqp_url: str, namespace: str, unique: str, tmp_path: Path
) -> Iterator[tuple[Stack, dict[str, str], int]]:
    env = {
        "MONGO_URL": mongo_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": f"e2e_{unique}",
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "BACKLOG_REFRESH_S": "0.2",
        "OUTBOX_POLL_S": "0.2",
    }
    stack, port = Stack(), free_port()
    stack.start_service("arbitration-svc", port=port, env=env, log_path=tmp_path / "arb.log")
    stack.wait_ready(timeout=60)
    try:
        yield stack, env, port
    finally:
        stack.stop()


@pytest.fixture
async def order_side(
    amqp_url: str, namespace: str, mongo_client: Any, unique: str
) -> AsyncIterator[tuple[Bus, Any]]:
    """A publisher posing as order-svc, and order-svc's queue where arbitration.ruled lands."""
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    queue = await channel.get_queue(f"{namespace}.order-svc")
    yield bus, queue
    await bus.close()
    await connection.close()
    await mongo_client.drop_database(f"e2e_{unique}_arbitration_svc")


def requested(order_id: str, seller_id: str) -> Envelope:
    payload = ArbitrationRequested(
        order_id=order_id,
        seller_id=seller_id,
        reason="goods arrived damaged, seller disagrees",
        requested_by="staff-e2e",
        snapshot={"order_no": f"NO-{order_id}", "status": "UNRESOLVED", "paid_amount": "300.00"},
    )
    return envelope(
        type="arbitration.requested",
        payload=payload,
        occurred_at=datetime.now(UTC),
        seller_id=seller_id,
    )


async def drain(queue: Any) -> list[Envelope]:
    found = []
    while (raw := await queue.get(no_ack=True, fail=False)) is not None:
        found.append(Envelope.model_validate(json.loads(raw.body)))
    return found


async def test_case_lifecycle_over_the_bus_and_http_survives_a_kill(
    service: tuple[Stack, dict[str, str], int], order_side: tuple[Bus, Any], unique: str
) -> None:
    stack, env, port = service
    bus, queue = order_side
    seller, order_id = f"s-{unique}", f"o-{unique}"
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, headers=AGENT, timeout=10) as http:
        await bus.publish(requested(order_id, seller))

        async def listed() -> list[dict[str, Any]]:
            body = (await http.get("/v1/cases", params={"seller_id": seller})).json()
            return list(body["items"])

        (case,) = await eventually(listed, what="case listed")
        url = f"/v1/cases/{case['id']}"
        assert (await http.get(url)).json()["evidence"]["status"] == "UNRESOLVED"
        assert (await http.post(f"{url}/take")).status_code == 200
        ruling = {"outcome": "REFUND", "amount": "120.00", "note": "partial refund is fair"}
        assert (await http.post(f"{url}/ruling", json=ruling)).status_code == 200

        stack.processes[0].popen.send_signal(signal.SIGKILL)
        stack.processes[0].popen.wait()
        stack.processes.clear()
        await bus.publish(requested(f"{order_id}-2", seller))  # arrives while the service is down
        stack.start_service("arbitration-svc", port=port, env=env)
        stack.wait_ready(timeout=60)

        messages = await eventually(lambda: drain(queue), what="arbitration.ruled")
        assert {m.id for m in messages} == {f"arbitration.ruled-{case['id']}"}
        assert messages[0].payload["amount"] == "120.00"

        async def both() -> bool:
            return len(await listed()) == 2

        await eventually(both, what="the request sent while down opened a case")
        assert (await http.post(f"{url}/ruling", json=ruling)).status_code == 409


async def test_backlog_gauge_follows_the_virtual_clock(
    service: tuple[Stack, dict[str, str], int], order_side: tuple[Bus, Any], unique: str
) -> None:
    _, _, port = service
    bus, _ = order_side
    await bus.publish(requested(f"o-{unique}", f"s-{unique}"))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

        async def gauge(label: str) -> bool:
            text = (await http.get("/metrics")).text
            return f'arbitration_open_cases{{age="{label}",status="OPEN"}} 1.0' in text

        await eventually(lambda: gauge("0-1d"), what="a young open case")
        advanced = envelope(
            type="clock.advanced",
            payload=ClockAdvanced(offset_seconds=8 * 86400),
            occurred_at=datetime.now(UTC),
            seller_id=None,
        )
        await bus.publish(advanced)
        await eventually(lambda: gauge("7d+"), what="the case counted as older than 7 days")
        old = await http.get("/v1/cases", params={"min_age_hours": 24 * 7}, headers=AGENT)
        assert [c["order_id"] for c in old.json()["items"]] == [f"o-{unique}"]
