"""Demo data for `make run` (ENV=development): two shops with staff, orders in every node of the
workbench, one under arbitration, some due within hours, and three closed weeks of quality
indicators with a ranking, a Bottom-10 streak and penalties.

Everything goes through the public APIs (order-svc) and the bus (the `serviceorder.*` events of
past weeks, which metrics-svc closes at once since their Sunday 24:00 has passed). Idempotent: an
order whose order no. exists is skipped, a seller or staff member that exists is kept, and the
week events carry fixed message ids (the consumers' inbox drops a repeat).

    uv run --frozen python scripts/demo_data.py [--order-url URL] [--metrics-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aftersales_shared.auth import issue_token
from aftersales_shared.messaging import Bus
from aftersales_shared.settings import DEV_SECRET
from aftersales_testkit import eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.weeks import shift_week, week_of, week_start
from order_svc.entrypoints.dev_signin import (
    APPLIANCES,
    BY_ID,
    DEMO_ACCOUNTS,
    PHONES,
    SHOP_A,
    SHOP_B,
)

CUSTOMER, AGENT, QC = "demo-customer", "demo-agent", "demo-qc"
PEERS = [f"demo-peer-{i:02d}" for i in range(1, 11)]
Step = Callable[["Demo", str], Awaitable[None]]


class Demo:
    def __init__(self, client: httpx.AsyncClient, secret: str) -> None:
        self.client, self.secret = client, secret

    def auth(self, account: str) -> dict[str, str]:
        a = BY_ID[account]
        token = issue_token(
            secret=self.secret, sub=a.id, role=a.role, seller_id=a.seller_id, now=datetime.now(UTC)
        )
        return {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, account: str, body: Any = None) -> Any:
        r = await self.client.request(method, path, json=body, headers=self.auth(account))
        if r.status_code == 409 and method == "POST" and "/sellers" in path:
            return None  # already there: idempotent
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {path} as {account}: {r.status_code} {r.text}")
        return r.json()

    async def do(self, oid: str, path: str, account: str, body: Any = None) -> None:
        method = "PUT" if path == "return-freight" else "POST"
        await self.call(method, f"/v1/service-orders/{oid}/{path}", account, body)


async def sellers(demo: Demo) -> None:
    for shop, name, mode in ((SHOP_A, "演示店铺A", "SOP"), (SHOP_B, "演示店铺B", "SOPL")):
        body = {
            "seller_id": shop,
            "name": name,
            "cooperation_mode": mode,
            "aftersales_contact_phone": "13900000000",
        }
        await demo.call("POST", "/v1/sellers", AGENT, body)
    for a in DEMO_ACCOUNTS:
        if a.role == "seller_staff" and a.seller_id:
            member: dict[str, Any] = {
                "staff_id": a.id,
                "name": a.label,
                "permissions": list(a.permissions),
                "categories": list(a.categories),
            }
            await demo.call(
                "POST", f"/v1/sellers/{a.seller_id}/staff", f"{a.seller_id}-admin", member
            )


def staff(shop: str) -> str:
    return f"{shop}-both"


async def claim(d: Demo, oid: str, shop: str = SHOP_A) -> None:
    await d.do(oid, "claim", staff(shop))


async def audit(d: Demo, oid: str, result: str, shop: str = SHOP_A) -> None:
    await claim(d, oid, shop)
    await d.do(oid, "audit", staff(shop), {"result": result, "opinion": "同意，请寄回商品"})


async def shipped(d: Demo, oid: str, shop: str = SHOP_A) -> None:
    await audit(d, oid, "APPROVE_RETURN", shop)
    body = {"carrier": "顺丰", "tracking_no": f"SF{oid[-8:]}", "freight": "12.00"}
    await d.do(oid, "shipment", CUSTOMER, body)


async def received(d: Demo, oid: str, shop: str = SHOP_A) -> None:
    await shipped(d, oid, shop)
    await d.do(oid, "receipt", staff(shop), {"note": "外包装完好"})


async def refunded(d: Demo, oid: str, shop: str = SHOP_A) -> None:
    await received(d, oid, shop)
    body = {"outcome": "REFUND", "amount": "199.00", "reason": "质量问题"}
    await d.do(oid, "process", staff(shop), body)


async def unresolved(d: Demo, oid: str) -> None:
    await refunded(d, oid)
    await d.do(oid, "messages", CUSTOMER, {"text": "退款还没到账"})


async def completed(d: Demo, oid: str) -> None:
    await refunded(d, oid)
    await d.do(oid, "resolve", CUSTOMER, {})
    await d.do(oid, "rating", CUSTOMER, {"rating": "SATISFIED"})


async def responded(d: Demo, oid: str) -> None:
    await audit(d, oid, "REQUEST_FEEDBACK")
    await d.do(oid, "feedback", CUSTOMER, {"text": "补充了照片"})


async def arbitration(d: Demo, oid: str) -> None:
    await received(d, oid)
    await d.do(oid, "arbitration", staff(SHOP_A), {"reason": "客户坚持退款，商品有人为损坏"})


async def nothing(_d: Demo, _oid: str) -> None:
    """Left as applied: PENDING_CLAIM, its audit deadline 12 hours away (due within hours)."""


SKU = {PHONES: "SKU-PHONE", APPLIANCES: "SKU-APPLIANCE"}
"""The item each demo category's orders are for."""

SCENARIOS: list[tuple[str, str, str, Step]] = [
    # order no., shop, category, what is done to it
    ("DEMO-A-01", SHOP_A, PHONES, nothing),
    ("DEMO-A-02", SHOP_A, APPLIANCES, nothing),
    ("DEMO-A-03", SHOP_A, PHONES, claim),
    ("DEMO-A-04", SHOP_A, PHONES, responded),
    ("DEMO-A-05", SHOP_A, PHONES, lambda d, o: audit(d, o, "REQUEST_FEEDBACK")),
    ("DEMO-A-06", SHOP_A, PHONES, lambda d, o: audit(d, o, "APPROVE_RETURN")),
    ("DEMO-A-07", SHOP_A, APPLIANCES, shipped),
    ("DEMO-A-08", SHOP_A, PHONES, received),
    ("DEMO-A-09", SHOP_A, PHONES, refunded),
    ("DEMO-A-10", SHOP_A, PHONES, unresolved),
    ("DEMO-A-11", SHOP_A, PHONES, completed),
    ("DEMO-A-12", SHOP_A, PHONES, lambda d, o: audit(d, o, "REJECT")),
    ("DEMO-A-13", SHOP_A, PHONES, arbitration),
    ("DEMO-B-01", SHOP_B, PHONES, nothing),
    ("DEMO-B-02", SHOP_B, PHONES, lambda d, o: claim(d, o, SHOP_B)),
    ("DEMO-B-03", SHOP_B, APPLIANCES, lambda d, o: shipped(d, o, SHOP_B)),
]


async def orders(demo: Demo) -> int:
    """Each scenario once; returns how many were created now."""
    made = 0
    for order_no, shop, category, step in SCENARIOS:
        found = await demo.call("GET", f"/v1/service-orders?order_no={order_no}", AGENT)
        if found["items"]:
            continue
        facts = {
            "order_no": order_no,
            "seller_id": shop,
            "customer_id": CUSTOMER,
            "customer_tier": "GOLD",
            "paid_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "lines": [{"sku": SKU[category], "quantity": 1, "paid_amount": "199.00"}],
        }
        r = await demo.client.post("/v1/orders", json=facts, headers=demo.auth(AGENT))
        assert r.status_code in (200, 201, 404, 405, 409), r.text  # 404/405: no order facts yet
        application = {
            "order_no": order_no,
            "seller_id": shop,
            "sku": SKU[category],
            "quantity": 1,
            "paid_amount": "199.00",
            "category": category,
            "reason": "质量问题",
            "description": "屏幕有裂痕" if category == PHONES else "无法开机",
            "quality_issue": True,
            "customer_tier": "GOLD",
            "customer_phone": "13800138000",
        }
        order = await demo.call("POST", "/v1/service-orders", CUSTOMER, application)
        await step(demo, order["id"])
        made += 1
    return made


def week_events(week: str) -> list[Any]:
    """A week of facts for 12 sellers: shop A worst (late audits, unhappy customers, 10 orders
    unaudited beyond 12h and one received and not processed in 48h), shop B middling."""
    start = week_start(week) + timedelta(days=1, hours=2)
    events = []
    for seller in [SHOP_A, SHOP_B, *PEERS]:
        late = {SHOP_A: 3, SHOP_B: 1}.get(seller, 0)
        unhappy = {SHOP_A: 3, SHOP_B: 1}.get(seller, 0)
        for n in range(4):
            oid = f"demo-{week}-{seller}-{n}"
            applied = start + timedelta(hours=n)
            audited = applied + timedelta(hours=20 if n < late else 2)
            mid = f"{oid}-audited"
            events.append(
                order_event("audited", seller_id=seller, order_id=oid, applied_at=applied,
                            audited_at=audited, occurred_at=audited, message_id=mid)
            )  # fmt: skip
            rating = "DISSATISFIED" if n < unhappy else "VERY_SATISFIED"
            events.append(
                order_event("rated", seller_id=seller, order_id=oid, applied_at=applied,
                            rating=rating, occurred_at=audited + timedelta(days=1),
                            message_id=f"{oid}-rated")
            )  # fmt: skip
    for n in range(10):
        oid = f"demo-{week}-{SHOP_A}-late-{n}"
        events.append(
            order_event("audit_overdue", seller_id=SHOP_A, order_id=oid, applied_at=start,
                        occurred_at=start + timedelta(hours=12), message_id=f"{oid}-overdue")
        )  # fmt: skip
    oid = f"demo-{week}-{SHOP_A}-slow"
    events.append(
        order_event("process_overdue", seller_id=SHOP_A, order_id=oid, applied_at=start,
                    received_at=start, occurred_at=start + timedelta(hours=48),
                    message_id=f"{oid}-overdue")
    )  # fmt: skip
    return events


async def weeks(metrics: httpx.AsyncClient, demo: Demo, bus: Bus) -> list[str]:
    """The three weeks before this one, oldest first, each closed before the next is sent."""
    await bus.connect()
    closed: list[str] = []
    try:
        this = week_of(datetime.now(UTC))
        for back in (3, 2, 1):
            week = shift_week(this, -back)
            for event in week_events(week):
                await bus.publish(event)
            await eventually(
                functools.partial(is_closed, metrics, demo, week),
                interval=0.25,
                what=f"week {week} closed",
            )
            closed.append(week)
    finally:
        await bus.close()
    return closed


async def is_closed(metrics: httpx.AsyncClient, demo: Demo, week: str) -> bool:
    r = await metrics.get(f"/v1/weeks/{week}/ranking", headers=demo.auth(QC))
    return r.status_code == 200 and r.json().get("status") == "closed"


async def load(
    *,
    order_url: str,
    metrics_url: str,
    amqp_url: str,
    namespace: str,
    secret: str,
    retry_delay_ms: int = 1000,
) -> dict[str, Any]:
    """Load (or complete) the demo data; what it did. The bus is joined as order-svc (whose
    events these are), with the stack's BUS_RETRY_DELAY_MS."""
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc", retry_delay_ms=retry_delay_ms)
    async with (
        httpx.AsyncClient(base_url=order_url, timeout=30) as client,
        httpx.AsyncClient(base_url=metrics_url, timeout=30) as metrics,
    ):
        demo = Demo(client, secret)
        await sellers(demo)
        made = await orders(demo)
        closed = await weeks(metrics, demo, bus)
    return {"orders_created": made, "orders": len(SCENARIOS), "closed_weeks": closed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order-url", default="http://127.0.0.1:8001")
    parser.add_argument("--metrics-url", default="http://127.0.0.1:8004")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--namespace", default="aftersales")
    args = parser.parse_args()
    secret = os.environ.get("AUTH_SECRET", DEV_SECRET)
    done = asyncio.run(
        load(
            order_url=args.order_url,
            metrics_url=args.metrics_url,
            amqp_url=args.amqp_url,
            namespace=args.namespace,
            secret=secret,
        )
    )
    print(f"demo data: {done['orders_created']} of {done['orders']} orders created now; "
          f"closed weeks {', '.join(done['closed_weeks'])}")  # fmt: skip


if __name__ == "__main__":
    main()
