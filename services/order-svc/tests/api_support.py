"""Helpers of the API tests: callers with tokens, a seller with staff, orders in a given state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aio_pika
import httpx
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import TimerFired
from aftersales_shared.messaging import Bus
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_facts import place_order_for


class BusTap:
    """Reads what order-svc published, from the queues of the services that consume it."""

    def __init__(self, connection: aio_pika.abc.AbstractConnection, namespace: str) -> None:
        self._connection = connection
        self._namespace = namespace
        self.seen: list[dict[str, Any]] = []

    async def drain(self, service: str = "metrics-svc") -> list[dict[str, Any]]:
        channel = await self._connection.channel()
        queue = await channel.get_queue(f"{self._namespace}.{service}", ensure=True)
        while (message := await queue.get(fail=False)) is not None:
            await message.ack()
            self.seen.append(json.loads(message.body))
        await channel.close()
        return self.seen

    async def wait_for(self, predicate: Any, *, service: str = "metrics-svc") -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            for m in await self.drain(service):
                if predicate(m):
                    return m
            return None

        found: dict[str, Any] = await eventually(probe, timeout=60, what="message on the bus")
        return found

    async def wait_for_armed(self, kind: str, order_id: str) -> dict[str, Any]:
        """The `timer.schedule` step arming `kind` of the order, in a `timer.batch` to timer-svc."""

        def step(m: dict[str, Any]) -> dict[str, Any] | None:
            if m["type"] != "timer.batch" or m["payload"]["order_id"] != order_id:
                return None
            return next((s for s in m["payload"]["steps"] if s.get("kind") == kind), None)

        batch = await self.wait_for(lambda m: step(m) is not None, service="timer-svc")
        found = step(batch)
        assert found is not None
        return found


@dataclass
class Api:
    client: httpx.AsyncClient
    unique: str
    tap: BusTap
    seller: str = ""
    customer: str = ""
    counter: list[int] = field(default_factory=lambda: [0])

    def __post_init__(self) -> None:
        self.seller = f"seller-{self.unique}"
        self.customer = f"cust-{self.unique}"

    def who(self, role: str, sub: str | None = None, seller: str | None = None) -> dict[str, str]:
        if role == "customer":
            return bearer("customer", sub=sub or self.customer)
        if role in ("seller_admin", "seller_staff"):
            return bearer(role, sub=sub or f"boss-{self.unique}", seller_id=seller or self.seller)
        return bearer(role, sub=sub or "agent-1")

    @property
    def boss(self) -> dict[str, str]:
        return self.who("seller_admin")

    @property
    def me(self) -> dict[str, str]:
        return self.who("customer")

    @property
    def agent(self) -> dict[str, str]:
        return self.who("platform_agent")

    async def setup_seller(self, *, seller: str | None = None) -> None:
        seller = seller or self.seller
        body = {
            "seller_id": seller,
            "name": "Shop",
            "cooperation_mode": "SOP",
            "aftersales_contact_phone": "13900000000",
        }
        r = await self.client.post("/v1/sellers", json=body, headers=self.agent)
        assert r.status_code == 201, r.text
        for staff_id, perms, cats in (
            ("auditor", ["AUDIT"], ["phones"]),
            ("processor", ["PROCESS"], ["phones"]),
            ("both", ["AUDIT", "PROCESS"], ["phones"]),
            ("shoes", ["AUDIT", "PROCESS"], ["shoes"]),
        ):
            r = await self.client.post(
                f"/v1/sellers/{seller}/staff",
                headers=self.who("seller_admin", seller=seller),
                json={
                    "staff_id": staff_id,
                    "name": staff_id,
                    "permissions": perms,
                    "categories": cats,
                },
            )
            assert r.status_code == 201, r.text

    def staff(self, staff_id: str) -> dict[str, str]:
        return self.who("seller_staff", sub=staff_id)

    async def place(self, application: dict[str, Any], customer: str | None = None) -> None:
        """The order facts `application` points at, as the order system records them."""
        await place_order_for(self.client, application, customer or self.customer)

    async def place_order(
        self, order_no: str, lines: list[tuple[str, int, str]], **facts: Any
    ) -> dict[str, Any]:
        """Record an order of `lines` (sku, quantity, the line's paid total) for this customer."""
        body = {
            "order_no": order_no,
            "seller_id": self.seller,
            "customer_id": self.customer,
            "customer_tier": "GOLD",
            "paid_at": "2026-11-20T10:00:00+08:00",
            "lines": [{"sku": s, "quantity": q, "paid_amount": p} for s, q, p in lines],
        } | facts
        r = await self.client.post("/v1/orders", json=body, headers=self.agent)
        assert r.status_code in (200, 201), r.text
        result: dict[str, Any] = r.json()
        return result

    async def apply(self, **overrides: Any) -> dict[str, Any]:
        body = self.application(**overrides)
        await self.place(body)
        r = await self.client.post("/v1/service-orders", json=body, headers=self.me)
        assert r.status_code == 201, r.text
        order: dict[str, Any] = r.json()
        return order

    def application(self, **overrides: Any) -> dict[str, Any]:
        """A valid application body, for a new order line unless `order_no` is given."""
        self.counter[0] += 1
        return {
            "order_no": f"JD-{self.unique}-{self.counter[0]}",
            "seller_id": self.seller,
            "sku": "SKU-1",
            "quantity": 1,
            "paid_amount": "199.00",
            "category": "phones",
            "reason": "broken",
            "description": "screen cracked",
            "quality_issue": True,
            "customer_tier": "GOLD",
            "customer_phone": "13800138000",
        } | overrides

    async def do(
        self,
        order_id: str,
        path: str,
        headers: dict[str, str],
        body: Any = None,
        expect: int = 200,
        method: str = "POST",
    ) -> dict[str, Any]:
        r = await self.client.request(
            method, f"/v1/service-orders/{order_id}/{path}", json=body, headers=headers
        )
        assert r.status_code == expect, r.text
        result: dict[str, Any] = r.json()
        return result

    async def get(self, order_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.get(f"/v1/service-orders/{order_id}", headers=headers or self.boss)
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    async def received(self) -> dict[str, Any]:
        """An order claimed, approved, shipped and received: PENDING_PROCESS."""
        o = await self.apply()
        await self.do(o["id"], "claim", self.staff("both"))
        await self.do(o["id"], "audit", self.staff("both"), {"result": "APPROVE_RETURN"})
        await self.do(
            o["id"],
            "shipment",
            self.me,
            {"carrier": "SF", "tracking_no": f"SF{self.unique}", "freight": "12.00"},
        )
        return await self.do(o["id"], "receipt", self.staff("both"), {"note": "ok"})


async def fire(bus: Bus, seller: str, *, order_id: str, kind: str, deadline_id: str) -> None:
    """Publish a timer.fired as timer-svc would."""
    now = datetime.now(UTC)
    payload = TimerFired(
        deadline_id=deadline_id,
        kind=kind,
        order_id=order_id,  # type: ignore[arg-type]
        due_at=now,
        fired_at=now,
    )
    await bus.publish(
        envelope(type="timer.fired", payload=payload, occurred_at=now, seller_id=seller)
    )
