"""Drives service orders over HTTP for the SMS end-to-end tests; reads sms-svc's delivery log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from aftersales_shared.auth import Role
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_facts import place_order_for

from tests.e2e.conftest import AGENT, RunningStack

SEGMENT = 70
DAY = 86_400


def phone() -> str:
    """A fresh mainland mobile number (a phone of its own keeps each order under the rate limit)."""
    return f"139{uuid.uuid4().int % 10**8:08d}"


@dataclass
class Flows:
    """One seller with its after-sales phone, and the calls that move its orders."""

    stack: RunningStack
    http: httpx.AsyncClient
    seller: str = field(default_factory=lambda: f"s-{uuid.uuid4().hex[:8]}")
    seller_phone: str = field(default_factory=phone)

    @property
    def boss(self) -> dict[str, str]:
        return bearer(Role.SELLER_ADMIN, sub=f"boss-{self.seller}", seller_id=self.seller)

    def url(self, service: str, path: str) -> str:
        return f"{self.stack.url(service)}{path}"

    async def call(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
        """An order-svc call that must succeed; its JSON answer."""
        r = await self.http.request(method, self.url("order-svc", path), headers=headers, **kw)
        assert r.status_code in (200, 201, 202), f"{method} {path}: {r.status_code} {r.text}"
        return r.json()

    async def create_seller(self) -> None:
        body = {
            "seller_id": self.seller,
            "name": "Notify",
            "cooperation_mode": "SOP",
            "aftersales_contact_phone": self.seller_phone,
        }
        await self.call("POST", "/v1/sellers", AGENT, json=body)

    def customer(self, order: dict[str, Any]) -> dict[str, str]:
        return bearer(Role.CUSTOMER, sub=order["customer_id"])

    async def apply(self, *, paid: str = "199.00") -> dict[str, Any]:
        """A new order (PENDING_CLAIM) with its own order number and customer phone."""
        sub = f"c-{uuid.uuid4().hex[:8]}"
        body = self.apply_body(order_no=f"JD{uuid.uuid4().int % 10**16:016d}", paid=paid)
        await place_order_for(self.http, body, sub, base=self.url("order-svc", ""))
        order: dict[str, Any] = await self.call(
            "POST", "/v1/service-orders", bearer(Role.CUSTOMER, sub=sub), json=body
        )
        order["customer_id"] = sub
        return order

    def apply_body(self, *, order_no: str, paid: str = "199.00") -> dict[str, Any]:
        """What a customer sends to apply."""
        return {
            "order_no": order_no,
            "seller_id": self.seller,
            "sku": "SKU-1",
            "quantity": 1,
            "paid_amount": paid,
            "category": "phones",
            "reason": "broken",
            "description": "the screen is cracked",
            "quality_issue": True,
            "customer_phone": phone(),
        }

    async def cmd(
        self, order: dict[str, Any], verb: str, *, who: str = "seller", **body: Any
    ) -> Any:
        """POST /v1/service-orders/{id}/{verb} as the seller's main account or the customer."""
        headers = self.boss if who == "seller" else self.customer(order)
        return await self.call(
            "POST", f"/v1/service-orders/{order['id']}/{verb}", headers, json=body
        )

    async def audited(self, order: dict[str, Any], result: str, **body: Any) -> Any:
        await self.cmd(order, "claim")
        return await self.cmd(order, "audit", result=result, **body)

    async def shipped_back(self, order: dict[str, Any]) -> None:
        await self.cmd(order, "shipment", who="customer", carrier="SF", tracking_no="SF1")

    async def received(self, order: dict[str, Any]) -> None:
        """Approved, shipped back and received: PENDING_PROCESS."""
        await self.audited(order, "APPROVE_RETURN")
        await self.shipped_back(order)
        await self.cmd(order, "receipt", note="ok")

    async def exchange_shipped(self, order: dict[str, Any]) -> httpx.Response:
        """Order management reports the order's exchange order shipped."""
        view = await self.call("GET", f"/v1/service-orders/{order['id']}", AGENT)
        (exchange,) = view["exchanges"]
        body = {"shipped_at": "2026-01-01T00:00:00Z", "tracking_no": "JDX1"}
        url = self.url("order-svc", f"/v1/exchange-orders/{exchange['id']}/shipped")
        return await self.http.post(url, headers=AGENT, json=body)

    async def messages(self, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
        r = await self.http.get(self.url("sms-svc", "/v1/messages"), headers=headers, params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    async def sent(self, order: dict[str, Any], *templates: str) -> list[dict[str, Any]]:
        """Waits until the order's delivery log holds exactly `templates`, all SENT.

        The seller's warnings (`*_DUE_SOON`) are left out: a jump of the clock past a warning and
        its deadline fires both at once, and the warning of a deadline already applied is
        dropped, so whether one is sent depends on the order of the two firings. They are checked
        step by step in `tests/e2e/test_warnings.py`.
        """
        want = sorted(templates)

        async def arrived() -> list[dict[str, Any]] | None:
            found = without_warnings(await self.messages(AGENT, order_id=order["id"]))
            done = all(m["status"] == "SENT" for m in found)
            return found if done and sorted(m["template"] for m in found) == want else None

        what = f"{want} for {order['order_no']}"
        found = await eventually(arrived, timeout=120, what=what)
        for m in found:
            check_text(m, order)
        return found


def check_text(message: dict[str, Any], order: dict[str, Any]) -> None:
    """The rules every text keeps: signed, one segment, the order number in it."""
    text = message["text"]
    assert text.startswith("【售后】"), text
    assert order["order_no"] in text, text
    assert len(text) <= SEGMENT, f"{len(text)} characters: {text}"
    assert "{" not in text, text


def without_warnings(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages but the seller's deadline warnings (issue 19: `AUDIT_DUE_SOON`...)."""
    return [m for m in messages if not str(m["template"]).endswith("_DUE_SOON")]
