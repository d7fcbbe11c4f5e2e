"""An in-process sms-svc on the real broker and store, with its API through ASGI."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.persistence import connect_mongo
from aftersales_shared.service import Runtime, create_app
from aftersales_testkit import TEST_SECRET, bearer, eventually
from fastapi import FastAPI
from sms_svc.bootstrap import definition
from sms_svc.config import Settings
from sms_svc.domain.message import message_id
from sms_svc.entrypoints.deps import SmsContainer

PLATFORM = bearer(Role.PLATFORM_AGENT, sub="agent-1")


@dataclass
class Sms:
    """A running sms-svc: publish commands to it, read its log through its API."""

    client: httpx.AsyncClient
    runtime: Runtime
    app: FastAPI

    async def send(
        self,
        *,
        key: str,
        recipient: str,
        template: str,
        params: dict[str, str],
        order_id: str | None = "order-1",
        seller_id: str | None = "seller-1",
        category: str | None = None,
        envelope_id: str | None = None,
    ) -> str:
        """Publish one `sms.send`; the message id it will be logged under."""
        command = SmsSend(
            recipient=recipient,
            template=template,
            params=params,
            order_id=order_id,
            category=category,
            idempotency_key=key,
        )
        await self.runtime.bus.publish(
            envelope(
                type="sms.send",
                payload=command,
                occurred_at=datetime.now(UTC),
                seller_id=seller_id,
                id=envelope_id,
            )
        )
        return message_id(key)

    def runtime_container(self) -> SmsContainer:
        """The running service's parts (to swap one in a test)."""
        container: SmsContainer = self.app.state.container
        return container

    async def get(self, mid: str, headers: dict[str, str] = PLATFORM) -> dict[str, Any] | None:
        response = await self.client.get(f"/v1/messages/{mid}", headers=headers)
        return response.json() if response.status_code == 200 else None

    async def settled(self, mid: str, *statuses: str) -> dict[str, Any]:
        """Wait until the message is recorded in one of `statuses` (default: any but QUEUED)."""
        wanted = statuses or ("SENT", "FAILED", "THROTTLED", "REJECTED")

        async def probe() -> dict[str, Any] | None:
            found = await self.get(mid)
            return found if found and found["status"] in wanted else None

        return await eventually(probe, what=f"{mid} in {wanted}")


StartSms = Callable[..., contextlib.AbstractAsyncContextManager[Sms]]


@pytest.fixture
async def start_sms(
    amqp_url: str, mongo_url: str, namespace: str, unique: str
) -> AsyncIterator[StartSms]:
    """Start sms-svc with extra settings; several starts share the namespace and database."""
    prefix = f"test_{unique}"

    @contextlib.asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Sms]:
        settings = Settings(
            amqp_url=amqp_url, bus_namespace=namespace, mongo_url=mongo_url,
            mongo_db_prefix=prefix, auth_secret=TEST_SECRET,
            bus_retry_delay_ms=100, bus_shutdown_grace_s=5, sms_sweep_interval_s=0.2,
            **({"clock": "system"} | overrides),
        )  # fmt: skip
        app = create_app(definition(), settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sms") as client:
                yield Sms(client=client, runtime=app.state.runtime, app=app)

    yield start
    client = connect_mongo(mongo_url)
    await client.drop_database(f"{prefix}_sms_svc")
    await client.close()
