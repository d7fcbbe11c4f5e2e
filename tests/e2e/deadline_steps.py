"""Steps of the deadline end-to-end tests: one order-svc client over HTTP, the shared clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_facts import place_order_for

from tests.e2e.conftest import RunningStack

AGENT = bearer("platform_agent", sub="agent-deadlines")
DAY, HOUR = 86400, 3600


@dataclass
class Steps:
    """A seller, a customer, and the calls a test makes for them."""

    stack: RunningStack
    http: httpx.AsyncClient
    unique: str

    @property
    def seller_id(self) -> str:
        return f"s-{self.unique}"

    @property
    def boss(self) -> dict[str, str]:
        return bearer("seller_admin", sub=f"boss-{self.unique}", seller_id=self.seller_id)

    @property
    def customer(self) -> dict[str, str]:
        return bearer("customer", sub=f"c-{self.unique}")

    @property
    def seller_phone(self) -> str:
        return "139" + str(int(self.unique, 16) % 10**8).zfill(8)

    @property
    def customer_phone(self) -> str:
        return "138" + str(int(self.unique, 16) % 10**8).zfill(8)

    def order_url(self, path: str = "") -> str:
        return f"{self.stack.url('order-svc')}/v1/service-orders{path}"

    async def now(self) -> datetime:
        """The shared virtual clock, as timer-svc keeps it."""
        r = await self.http.get(f"{self.stack.url('timer-svc')}/admin/clock", headers=AGENT)
        assert r.status_code == 200, r.text
        return datetime.fromisoformat(r.json()["now"])

    async def advance(self, seconds: int) -> dict[str, Any]:
        """Move every service's clock; answers when what fell due is on the bus."""
        r = await self.http.post(
            f"{self.stack.url('timer-svc')}/admin/clock/advance",
            json={"seconds": seconds},
            headers=AGENT,
            timeout=180,
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def seller(self) -> None:
        """Register the seller (SOPL: the platform pays the return leg)."""
        r = await self.http.post(
            f"{self.stack.url('order-svc')}/v1/sellers",
            headers=AGENT,
            json={
                "seller_id": self.seller_id,
                "name": "S",
                "cooperation_mode": "SOPL",
                "aftersales_contact_phone": self.seller_phone,
            },
        )
        assert r.status_code in (201, 409), r.text

    async def apply(self, n: int = 0) -> str:
        """A new order; returns its id."""
        body = {
            "order_no": f"N{self.unique}-{n}",
            "seller_id": self.seller_id,
            "sku": "SKU",
            "quantity": 1,
            "paid_amount": "10.50",
            "category": "c",
            "reason": "r",
            "description": "d",
            "quality_issue": True,
            "customer_tier": "GOLD",
            "customer_phone": self.customer_phone,
        }
        await place_order_for(self.http, body, f"c-{self.unique}", base=self.stack.url("order-svc"))
        r = await self.http.post(self.order_url(), headers=self.customer, json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    async def post(self, order_id: str, path: str, body: Any = None, *, as_customer: bool = False):  # type: ignore[no-untyped-def]
        """A command on the order; returns the response."""
        headers = self.customer if as_customer else self.boss
        return await self.http.post(
            self.order_url(f"/{order_id}/{path}"), headers=headers, json=body
        )

    async def ok(
        self, order_id: str, path: str, body: Any = None, *, as_customer: bool = False
    ) -> dict[str, Any]:
        """A command that must succeed."""
        r = await self.post(order_id, path, body, as_customer=as_customer)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def audit(self, order_id: str, result: str) -> dict[str, Any]:
        """Claim and audit."""
        await self.ok(order_id, "claim")
        return await self.ok(order_id, "audit", {"result": result, "opinion": "ok"})

    async def approved(self, n: int = 0) -> str:
        """An order awaiting the customer's return."""
        oid = await self.apply(n)
        await self.audit(oid, "APPROVE_RETURN")
        return oid

    async def shipped(self, order_id: str) -> dict[str, Any]:
        """The customer ships the goods back."""
        body = {"carrier": "SF", "tracking_no": f"T{order_id[-8:]}", "freight": "0"}
        return await self.ok(order_id, "shipment", body, as_customer=True)

    async def get(self, order_id: str) -> dict[str, Any]:
        """The order as its seller sees it."""
        r = await self.http.get(self.order_url(f"/{order_id}"), headers=self.boss)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def settled(self, order_id: str, *, status: str, within: float = 120) -> dict[str, Any]:
        """Wait until the order reaches `status`."""

        async def probe() -> dict[str, Any] | None:
            o = await self.get(order_id)
            return o if o["status"] == status else None

        found = await eventually(probe, timeout=within, what=f"{order_id} {status}")
        assert found is not None
        return found

    async def penalties(self, *instants: datetime) -> str:
        """metrics-svc's penalty lines of the seller in the weeks around these instants."""
        weeks = set()
        for at in instants:
            for shift in (-1, 0, 1):
                year, number, _ = (at + timedelta(days=shift)).isocalendar()
                weeks.add(f"{year}-W{number:02d}")
        text = ""
        for week in sorted(weeks):
            r = await self.http.get(
                f"{self.stack.url('metrics-svc')}/v1/penalties",
                params={"seller_id": self.seller_id, "week": week},
                headers=AGENT,
            )
            assert r.status_code == 200, r.text
            text += r.text
        return text

    async def sms(self, **params: str) -> list[dict[str, Any]]:
        """Messages sms-svc recorded."""
        r = await self.http.get(
            f"{self.stack.url('sms-svc')}/v1/messages",
            params={"limit": "200", **params},
            headers=AGENT,
        )
        assert r.status_code == 200, r.text
        return r.json()["items"]  # type: ignore[no-any-return]

    def commands(self, order: dict[str, Any]) -> list[str]:
        """The commands in the order's history."""
        return [h["command"] for h in order["history"]]


def due(order: dict[str, Any], kind: str) -> datetime | None:
    """When the order says its deadline of this kind falls due."""
    at = order["next_deadlines"].get(kind)
    return None if at is None else datetime.fromisoformat(at)


def close(a: datetime | None, b: datetime, slack: timedelta = timedelta(seconds=5)) -> bool:
    """Two instants within a few seconds (wall time passes between calls)."""
    return a is not None and abs(a - b) <= slack
