"""Arbitration across services: order-svc locks, arbitration-svc rules, order-svc applies once.

The five services run as processes (`running_stack`, CLOCK=virtual, one shared clock: every time is
measured from GET /admin/clock). Sellers and customers act over HTTP on order-svc, agents on
arbitration-svc; rulings travel over the real broker.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRuled
from aftersales_shared.messaging import Bus
from aftersales_shared.persistence import Doc
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_facts import place_order_for
from pymongo import AsyncMongoClient

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

AGENT = bearer("platform_agent", sub="agent-lock")
LOCK_TEXT = "under arbitration"
ALLOWED = ("AWAITING_RETURN", "PENDING_PROCESS", "UNRESOLVED")
REFUSED = (
    "PENDING_CLAIM",
    "PENDING_AUDIT",
    "AWAITING_FEEDBACK",
    "PROVISIONALLY_DONE",
    "COMPLETED",
    "REJECTED",
    "CANCELLED",
)
DAY = 86400
RETURN_DEADLINES = ("AUTO_REFUND", "SELLER_RETURN_WARNING")


@dataclass
class Shop:
    """One seller and one customer driving orders over HTTP."""

    http: httpx.AsyncClient
    stack: RunningStack
    unique: str
    made: list[str] = field(default_factory=list)

    @property
    def seller(self) -> str:
        return f"s-{self.unique}"

    @property
    def boss(self) -> dict[str, str]:
        return bearer("seller_admin", sub=f"boss-{self.unique}", seller_id=self.seller)

    @property
    def me(self) -> dict[str, str]:
        return bearer("customer", sub=f"c-{self.unique}")

    def order_url(self, oid: str, action: str = "") -> str:
        tail = f"/{action}" if action else ""
        return f"{self.stack.url('order-svc')}/v1/service-orders/{oid}{tail}"

    def arb(self, path: str) -> str:
        return f"{self.stack.url('arbitration-svc')}/v1/cases{path}"

    async def setup(self) -> None:
        body = {
            "seller_id": self.seller,
            "name": "Shop",
            "cooperation_mode": "SOP",
            "aftersales_contact_phone": "13900000000",
        }
        url = f"{self.stack.url('order-svc')}/v1/sellers"
        r = await self.http.post(url, json=body, headers=AGENT)
        assert r.status_code == 201, r.text

    async def do(
        self,
        oid: str,
        action: str,
        who: dict[str, str],
        body: dict[str, Any] | None = None,
        *,
        expect: int = 200,
        method: str = "POST",
    ) -> dict[str, Any]:
        r = await self.http.request(method, self.order_url(oid, action), json=body, headers=who)
        assert r.status_code == expect, f"{action}: {r.status_code} {r.text}"
        out: dict[str, Any] = r.json()
        return out

    async def get(self, oid: str, who: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.http.get(self.order_url(oid), headers=who or self.boss)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out

    async def order_in(self, state: str, *, refunded: str | None = None) -> str:
        """A new order brought to `state` by the seller and the customer (`refunded` in part)."""
        body = {
            "order_no": f"JD-{self.unique}-{len(self.made)}",  # sms-svc: at most 32 chars
            "seller_id": self.seller,
            "sku": "SKU-1",
            "quantity": 1,
            "paid_amount": "199.00",
            "category": "phones",
            "reason": "broken",
            "description": "screen cracked",
            "quality_issue": True,
            "customer_tier": "GOLD",
            "customer_phone": f"137{zlib.crc32(self.unique.encode()) % 10**8:08d}",
        }
        base = self.stack.url("order-svc")
        await place_order_for(self.http, body, f"c-{self.unique}", base=base)
        r = await self.http.post(f"{base}/v1/service-orders", json=body, headers=self.me)
        assert r.status_code == 201, r.text
        oid: str = r.json()["id"]
        self.made.append(oid)
        steps: list[tuple[str, dict[str, str], dict[str, Any] | None]] = []
        if state == "CANCELLED":
            steps.append(("abandon", self.me, None))
        elif state != "PENDING_CLAIM":
            steps.append(("claim", self.boss, None))
        result = {"AWAITING_FEEDBACK": "REQUEST_FEEDBACK", "REJECTED": "REJECT"}
        if state in ("AWAITING_FEEDBACK", "REJECTED"):
            steps.append(("audit", self.boss, {"result": result[state], "opinion": "see"}))
        late = ("AWAITING_RETURN", "PENDING_PROCESS", "PROVISIONALLY_DONE", "UNRESOLVED")
        if state in (*late, "COMPLETED"):
            steps.append(("audit", self.boss, {"result": "APPROVE_RETURN"}))
            shipment = {"carrier": "SF", "tracking_no": f"SF-{oid[-6:]}", "freight": "12.00"}
            steps.append(("shipment", self.me, shipment))
        if state in (*late[1:], "COMPLETED"):
            steps.append(("receipt", self.boss, {"note": "intact"}))
        if state in (*late[2:], "COMPLETED"):
            process = {"outcome": "RETURN_ORIGINAL", "remark": "nothing wrong with it"}
            if refunded is not None:
                process = {
                    "outcome": "REFUND",
                    "amount": refunded,
                    "remark": "partly",
                    "reason": "r",
                }
            steps.append(("process", self.boss, process))
        if state == "UNRESOLVED":
            steps.append(("messages", self.me, {"text": "I do not agree"}))
        if state == "COMPLETED":
            steps.append(("resolve", self.me, None))
        for action, who, payload in steps:
            await self.do(oid, action, who, payload)
        assert (await self.get(oid))["status"] == state
        return oid

    async def request(self, oid: str, *, expect: int = 200) -> dict[str, Any]:
        return await self.do(
            oid, "arbitration", self.boss, {"reason": "customer broke it"}, expect=expect
        )

    async def case_of(self, oid: str) -> dict[str, Any]:
        """The case arbitration-svc opened for the order (waits for it)."""

        async def found() -> dict[str, Any]:
            r = await self.http.get(self.arb(""), params={"seller_id": self.seller}, headers=AGENT)
            assert r.status_code == 200, r.text
            return next((c for c in r.json()["items"] if c["order_id"] == oid), {})

        summary = await eventually(found, what=f"a case for {oid}")
        r = await self.http.get(self.arb(f"/{summary['id']}"), headers=AGENT)
        out: dict[str, Any] = r.json()
        return out

    async def rule(self, case_id: str, ruling: dict[str, Any], *, expect: int = 200) -> None:
        r = await self.http.post(self.arb(f"/{case_id}/take"), headers=AGENT)
        assert r.status_code in (200, 409), r.text
        r = await self.http.post(self.arb(f"/{case_id}/ruling"), json=ruling, headers=AGENT)
        assert r.status_code == expect, r.text

    async def completed(self, oid: str) -> dict[str, Any]:
        async def done() -> dict[str, Any]:
            order = await self.get(oid)
            return order if order["status"] == "COMPLETED" else {}

        return await eventually(done, what=f"the ruling applied to {oid}")

    async def handled_rulings(self) -> float:
        """How many `arbitration.ruled` deliveries order-svc has finished with (any result)."""
        text = (await self.http.get(f"{self.stack.url('order-svc')}/metrics")).text
        pattern = r'bus_messages_handled_total\{[^}]*type="arbitration\.ruled"[^}]*\} ([0-9.e+]+)'
        return sum(float(v) for v in re.findall(pattern, text))

    async def texts(self, oid: str, template: str) -> list[dict[str, Any]]:
        """The SMS sms-svc holds for the order with this template."""
        url = f"{self.stack.url('sms-svc')}/v1/messages"
        params = {"order_id": oid, "template": template}
        r = await self.http.get(url, params=params, headers=AGENT)
        assert r.status_code == 200, r.text
        return [m for m in r.json()["items"] if m["text"]]  # rendered once sms-svc took it

    async def now(self) -> datetime:
        r = await self.http.get(f"{self.stack.url('timer-svc')}/admin/clock", headers=AGENT)
        return datetime.fromisoformat(r.json()["now"])

    async def advance(self, seconds: int) -> None:
        url = f"{self.stack.url('timer-svc')}/admin/clock/advance"
        r = await self.http.post(url, json={"seconds": seconds}, headers=AGENT, timeout=120)
        assert r.status_code == 200, r.text


@pytest.fixture
async def shop(running_stack: RunningStack, unique: str) -> AsyncIterator[Shop]:
    async with httpx.AsyncClient(timeout=30) as http:
        s = Shop(http=http, stack=running_stack, unique=unique)
        await s.setup()
        yield s


def ruling_history(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [h for h in order["history"] if h["command"] == "APPLY_RULING"]


async def test_request_from_the_allowed_states_only(shop: Shop) -> None:
    for state in REFUSED:
        oid = await shop.order_in(state)
        err = await shop.request(oid, expect=409)
        assert err["error"]["code"] == "invalid_transition", (state, err)
        assert (await shop.get(oid))["locked"] in (False, 0)
    for state in ALLOWED:
        oid = await shop.order_in(state)
        locked = await shop.request(oid)
        assert (locked["status"], locked["locked"]) == (state, True)
        assert locked["history"][-1]["command"] == "REQUEST_ARBITRATION"
        for who in (shop.boss, shop.me):
            seen = await shop.get(oid, who)
            assert seen["locked"] is True
            assert seen["arbitration"]["reason"] == "customer broke it"
        err = await shop.request(oid, expect=409)
        assert err["error"]["code"] == "locked"
        assert LOCK_TEXT in err["error"]["message"]
        case = await shop.case_of(oid)
        evidence = case["evidence"]
        assert (evidence["status"], evidence["order_id"]) == (state, oid)
        assert (evidence["paid_amount"], evidence["refunded_amount"]) == ("199.00", "0.00")
        assert evidence["order_no"] == locked["order_no"]
        assert evidence["shipment"]["tracking_no"].startswith("SF-")
        assert evidence["history"][0]["command"] == "APPLY"
        assert (case["paid_amount"], case["refundable_amount"]) == ("199.00", "199.00")


async def test_locked_order_refuses_every_seller_action_but_the_receipt(shop: Shop) -> None:
    oid = await shop.order_in("AWAITING_RETURN")
    await shop.request(oid)
    before = await shop.get(oid)
    commands: list[tuple[str, dict[str, Any] | None, str]] = [
        ("claim", None, "POST"),
        ("audit", {"result": "REJECT", "opinion": "no"}, "POST"),
        ("shipment", {"carrier": "SF", "tracking_no": "X1", "freight": "1.00"}, "POST"),
        ("ship-reminder", None, "POST"),
        ("return-freight", {"amount": "5.00"}, "PUT"),
        ("process", {"outcome": "REFUND", "amount": "199.00", "reason": "r"}, "POST"),
        ("reopen", None, "POST"),
        ("messages", {"text": "hello"}, "POST"),
        ("resolve", {"offline_exchange": True, "tracking_no": "YT1"}, "POST"),
        ("abandon", {"note": "giving up"}, "POST"),
        ("arbitration", {"reason": "again"}, "POST"),
        ("receipt", {"note": "arrived", "freight": "30.00"}, "POST"),
    ]

    async def all_refused() -> None:
        for action, body, method in commands:
            err = await shop.do(oid, action, shop.boss, body, expect=409, method=method)
            assert err["error"]["code"] == "locked", (action, err)
            assert LOCK_TEXT in err["error"]["message"], (action, err)

    await all_refused()
    assert (await shop.get(oid))["version"] == before["version"]
    received = await shop.do(oid, "receipt", shop.boss, {"note": "arrived during the case"})
    assert (received["status"], received["locked"]) == ("PENDING_PROCESS", True)
    assert received["freight"]["customer_paid"] == before["freight"]["customer_paid"] == "12.00"
    assert received["next_deadlines"] == {}, "no PROCESS_OVERDUE for an order under arbitration"
    del commands[-1]  # a second receipt is simply not allowed in PENDING_PROCESS
    await all_refused()
    assert (await shop.get(oid))["version"] == received["version"]


OUTCOMES = [
    ("PENDING_PROCESS", None, {"outcome": "REFUND", "amount": "120.00"}, "120.00"),
    ("UNRESOLVED", "50.00", {"outcome": "REFUND", "amount": "100.00"}, "150.00"),
    ("UNRESOLVED", None, {"outcome": "EXCHANGE", "sku": "SKU-NEW"}, "0.00"),
    ("AWAITING_RETURN", None, {"outcome": "RETURN_ORIGINAL"}, "0.00"),
    ("PENDING_PROCESS", None, {"outcome": "CLAIM_REJECTED"}, "0.00"),
]


@pytest.mark.parametrize(
    ("state", "refunded", "ruling", "refund"),
    OUTCOMES,
    ids=["REFUND", "REFUND-topping-up", "EXCHANGE", "RETURN_ORIGINAL", "CLAIM_REJECTED"],
)
async def test_each_ruling_is_applied_once(
    shop: Shop,
    running_stack: RunningStack,
    amqp_url: str,
    state: str,
    refunded: str | None,
    ruling: dict[str, Any],
    refund: str,
) -> None:
    oid = await shop.order_in(state, refunded=refunded)
    await shop.request(oid)
    case = await shop.case_of(oid)
    assert case["evidence"]["refunded_amount"] == (refunded or "0.00")
    ruling = {**ruling, "note": f"the platform decides {ruling['outcome']}"}
    await shop.rule(case["id"], ruling)
    done = await shop.completed(oid)
    outcome = ruling["outcome"]
    assert (done["locked"] in (False, 0), done["outcome"]) == (True, outcome)
    assert (done["arbitration"]["ruling"], done["arbitration"]["case_id"]) == (outcome, case["id"])
    assert done["arbitration"]["note"] == ruling["note"]
    (entry,) = ruling_history(done)
    assert "ruled by the platform" in entry["detail"]
    assert entry["actor_role"] == "platform_agent"
    assert done["next_deadlines"] == {}
    assert done["refund_amount"] == refund
    assert [x["sku"] for x in done["exchanges"]] == (["SKU-NEW"] if outcome == "EXCHANGE" else [])
    if outcome == "EXCHANGE":
        assert done["exchanges"][0]["amount"] == "199.00"
    seen = await shop.get(oid, shop.me)
    assert (seen["status"], seen["arbitration"]["ruling"]) == ("COMPLETED", outcome)

    payload = ArbitrationRuled(
        case_id=case["id"],
        order_id=oid,
        outcome=outcome,
        amount=ruling.get("amount", "199.00" if outcome == "EXCHANGE" else None),
        sku=ruling.get("sku"),
        note=ruling["note"],
        ruled_by="agent-lock",
    )
    handled = await shop.handled_rulings()
    bus = Bus(
        url=amqp_url,
        namespace=running_stack.namespace,
        service="arbitration-svc",
        retry_delay_ms=200,  # as the stack declared its retry queue (BUS_RETRY_DELAY_MS)
    )
    await bus.connect()
    try:
        for message_id in (f"arbitration.ruled-{case['id']}", None):
            await bus.publish(
                envelope(
                    type="arbitration.ruled",
                    payload=payload,
                    occurred_at=datetime.now(UTC),
                    seller_id=shop.seller,
                    id=message_id,
                )
            )
    finally:
        await bus.close()

    async def both_handled() -> bool:
        return await shop.handled_rulings() >= handled + 2

    await eventually(both_handled, what="order-svc handled both redeliveries")
    again = await shop.get(oid)
    assert again["version"] == done["version"]
    assert again["history"] == done["history"]
    assert (again["refund_amount"], again["exchanges"]) == (
        done["refund_amount"],
        done["exchanges"],
    )
    await shop.rule(case["id"], ruling, expect=409)
    texts = await eventually(
        lambda: shop.texts(oid, "ARBITRATION_RULED"), what="the customer's SMS"
    )
    assert len(texts) == 1
    assert done["order_no"] in texts[0]["text"]
    assert "平台介入" in texts[0]["text"]  # the outcome is shown in Chinese


async def test_sellers_and_customers_cannot_see_or_rule_cases(shop: Shop) -> None:
    oid = await shop.order_in("PENDING_PROCESS")
    await shop.request(oid)
    case = await shop.case_of(oid)
    staff = bearer("seller_staff", sub="auditor", seller_id=shop.seller)
    for who in (shop.boss, staff, shop.me, bearer("qc_analyst", sub="qc")):
        for method, path, body in (
            ("GET", "", None),
            ("GET", f"/{case['id']}", None),
            ("POST", f"/{case['id']}/take", None),
            ("POST", f"/{case['id']}/ruling", {"outcome": "CLAIM_REJECTED", "note": "mine"}),
        ):
            r = await shop.http.request(method, shop.arb(path), json=body, headers=who)
            assert r.status_code == 403, (method, path, r.text)
    assert (await shop.http.get(shop.arb(""))).status_code == 401
    r = await shop.http.get(shop.arb(f"/{case['id']}"), headers=AGENT)
    assert (r.json()["status"], r.json()["ruling"]) == ("OPEN", None)
    assert (await shop.get(oid))["locked"] is True


async def timer_states(
    mongo: AsyncMongoClient[Doc], stack: RunningStack, oid: str
) -> dict[str, str]:
    """The state of each of the order's deadlines in timer-svc's own store."""
    rows = mongo[f"{stack.db_prefix}_timer_svc"]["deadlines"].find({"order_id": {"$eq": oid}})
    found = {row["kind"]: row["state"] async for row in rows}
    return {kind: state for kind, state in found.items() if kind in RETURN_DEADLINES}


async def test_deadlines_wait_while_the_case_is_open_and_end_with_the_ruling(
    shop: Shop, running_stack: RunningStack, mongo_client: AsyncMongoClient[Doc]
) -> None:
    oid = await shop.order_in("AWAITING_RETURN")
    start = await shop.now()
    shipped = await shop.get(oid)
    assert set(shipped["next_deadlines"]) == {"AUTO_REFUND", "SELLER_RETURN_WARNING"}
    due = datetime.fromisoformat(shipped["next_deadlines"]["AUTO_REFUND"])
    assert 14 * DAY < (due - start).total_seconds() <= 15 * DAY

    async def states(*wanted: str) -> dict[str, str]:
        found = await timer_states(mongo_client, running_stack, oid)
        return found if len(found) == 2 and set(found.values()) == set(wanted) else {}

    await eventually(lambda: states("pending"), what="the deadlines armed in timer-svc")
    await shop.request(oid)
    await eventually(lambda: states("suspended"), what="the deadlines suspended by the lock")
    await shop.advance(16 * DAY)
    assert (await shop.now() - start).total_seconds() >= 16 * DAY
    held = await shop.get(oid)
    assert (held["status"], held["locked"], held["refund_amount"]) == (
        "AWAITING_RETURN",
        True,
        "0.00",
    )
    assert [h["command"] for h in held["history"]][-1] == "REQUEST_ARBITRATION"
    assert await states("suspended"), "nothing fired while the case was open"

    case = await shop.case_of(oid)
    await shop.rule(case["id"], {"outcome": "RETURN_ORIGINAL", "note": "goods go back"})
    done = await shop.completed(oid)
    cancelled = await eventually(lambda: states("cancelled"), what="the ruling cancelled them")
    assert set(cancelled) == {"AUTO_REFUND", "SELLER_RETURN_WARNING"}
    await shop.advance(20 * DAY)
    after = await shop.get(oid)
    assert after["version"] == done["version"]
    assert after["history"] == done["history"]
    assert (after["status"], after["refund_amount"], after["outcome"]) == (
        "COMPLETED",
        "0.00",
        "RETURN_ORIGINAL",
    )
