"""sms-svc as a real process: killed while the gateway holds an SMS, restarted, sends it once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import Bus
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port
from sms_svc.adapters.fake_gateway import FakeGateway, running
from sms_svc.domain.message import message_id

pytestmark = pytest.mark.e2e
PHONE = "13712345678"


@pytest.fixture
async def stack(mongo_url: str, unique: str) -> AsyncIterator[Stack]:
    processes = Stack()
    yield processes
    processes.stop()
    client = connect_mongo(mongo_url)
    await client.drop_database(f"e2e_{unique}_sms_svc")
    await client.close()


async def test_killed_mid_send_then_restarted_sends_once(
    stack: Stack, amqp_url: str, mongo_url: str, namespace: str, unique: str, tmp_path: Path
) -> None:
    port = free_port()
    log_path = tmp_path / "sms-svc.log"
    key = f"order-{unique}:ORDER_CLOSED"
    async with running(FakeGateway(plan=["hang"], hang_s=1.5)) as gateway:
        env = {
            "AMQP_URL": amqp_url,
            "BUS_NAMESPACE": namespace,
            "MONGO_URL": mongo_url,
            "MONGO_DB_PREFIX": f"e2e_{unique}",
            "AUTH_SECRET": TEST_SECRET,
            "CLOCK": "system",
            "SMS_PROVIDER": "http",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_API_KEY": gateway.api_key,
            "SMS_GATEWAY_TIMEOUT_S": "3",
            "SMS_GATEWAY_MAX_ATTEMPTS": "2",
            "SMS_GATEWAY_BACKOFF_MAX_S": "0.1",
            "SMS_LEASE_S": "8",
            "SMS_SWEEP_INTERVAL_S": "0.5",
        }
        first = stack.start_service("sms-svc", port=port, env=env, log_path=log_path)
        await asyncio.to_thread(stack.wait_ready, timeout=60)
        bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
        await bus.connect()
        command = SmsSend(
            recipient=f"+86{PHONE}",
            template="ORDER_CLOSED",
            params={"order_no": "SO42"},
            order_id=f"order-{unique}",
            idempotency_key=key,
        )
        await bus.publish(
            envelope(
                type="sms.send", payload=command, occurred_at=datetime.now(UTC), seller_id="s1"
            )
        )
        await bus.close()

        async def gateway_holds_it() -> bool:
            return len(gateway.requests) == 1

        await eventually(gateway_holds_it, what="the gateway received the SMS")
        first.popen.kill()
        first.popen.wait()
        stack.processes.remove(first)

        stack.start_service("sms-svc", port=port, env=env, log_path=log_path)
        await asyncio.to_thread(stack.wait_ready, timeout=60)
        url = f"http://127.0.0.1:{port}/v1/messages/{message_id(key)}"
        async with httpx.AsyncClient(headers=bearer(Role.PLATFORM_AGENT, sub="ops")) as client:

            async def sent() -> dict[str, object] | None:
                response = await client.get(url)
                body: dict[str, object] = response.json()
                return body if response.status_code == 200 and body["status"] == "SENT" else None

            found = await eventually(sent, timeout=120, what="the message SENT after the restart")
    assert found["provider_ref"] == "gw-1"
    assert [r["key"] for r in gateway.requests] == [key, key]
    assert len(gateway.delivered) == 1
    stack.stop()
    log = log_path.read_text()
    assert "137****5678" in log
    assert PHONE not in log
