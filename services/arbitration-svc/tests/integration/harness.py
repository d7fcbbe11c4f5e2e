"""The service in-process (real lifespan) against the real broker and store, plus a publisher."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aio_pika
import httpx
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.messaging import Bus
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET, bearer, eventually
from arbitration_svc.bootstrap import definition
from arbitration_svc.config import Settings
from pymongo.asynchronous.database import AsyncDatabase

AGENT = bearer("platform_agent", sub="agent-1")


@dataclass
class Harness:
    http: httpx.AsyncClient
    bus: Bus
    ruled: aio_pika.abc.AbstractQueue
    db: AsyncDatabase[Any]
    seller_id: str

    def request(
        self, *, order_id: str, paid: str = "199.00", at: datetime | None = None
    ) -> Envelope:
        """An `arbitration.requested` as order-svc publishes it."""
        snapshot = {
            "order_id": order_id,
            "order_no": f"NO-{order_id}",
            "status": "PENDING_PROCESS",
            "paid_amount": paid,
            "history": [{"command": "apply"}, {"command": "receive"}],
        }
        payload = ArbitrationRequested(
            order_id=order_id,
            seller_id=self.seller_id,
            reason="the customer says the item arrived broken",
            requested_by="staff-1",
            snapshot=snapshot,
        )
        return envelope(
            type="arbitration.requested",
            payload=payload,
            occurred_at=at or datetime.now(UTC),
            seller_id=self.seller_id,
        )

    async def cases(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.http.get(
            "/v1/cases", params={"seller_id": self.seller_id, **params}, headers=AGENT
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def ruled_messages(self) -> list[Envelope]:
        """Take everything waiting in order-svc's queue (where arbitration.ruled is routed)."""
        found = []
        while (raw := await self.ruled.get(no_ack=True, fail=False)) is not None:
            found.append(Envelope.model_validate(json.loads(raw.body)))
        return found


@asynccontextmanager
async def running(
    *, mongo_url: str, amqp_url: str, namespace: str, unique: str
) -> AsyncIterator[Harness]:
    """arbitration-svc with its lifespan, a publisher as order-svc, order-svc's queue to read."""
    settings = Settings(
        mongo_url=mongo_url,
        amqp_url=amqp_url,
        bus_namespace=namespace,
        mongo_db_prefix=f"test_{unique}",
        auth_secret=TEST_SECRET,  # type: ignore[arg-type]
        backlog_refresh_s=0.2,
        outbox_poll_s=0.2,
        bus_retry_delay_ms=100,
    )
    app = create_app(definition(), settings)
    publisher = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    async with app.router.lifespan_context(app):
        await publisher.connect()
        connection = await aio_pika.connect(amqp_url)
        channel = await connection.channel()
        queue = await channel.get_queue(f"{namespace}.order-svc")
        runtime = app.state.runtime
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://arb") as http:
                yield Harness(
                    http=http, bus=publisher, ruled=queue, db=runtime.db, seller_id=f"s-{unique}"
                )
        finally:
            await publisher.close()
            await connection.close()
            await runtime.client.drop_database(settings.mongo_db)


async def open_case(arb: Harness, order_id: str, **kwargs: Any) -> dict[str, Any]:
    await arb.bus.publish(arb.request(order_id=order_id, **kwargs))

    async def appeared() -> list[dict[str, Any]]:
        return [c for c in await arb.cases() if c["order_id"] == order_id]

    (case,) = await eventually(appeared, what=f"case for {order_id}")
    return case
