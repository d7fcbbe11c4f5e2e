"""Deadlines end to end: order-svc arms, timer-svc fires on the virtual clock, order-svc applies.

The clock is shared by the session: every test measures from GET /admin/clock at its start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import TimerFired
from aftersales_shared.messaging import Bus
from aftersales_testkit import eventually

from tests.e2e.conftest import RunningStack
from tests.e2e.deadline_steps import DAY, HOUR, Steps, close, due
from tests.e2e.notify_flows import without_warnings

pytestmark = pytest.mark.e2e
REFUNDS = {"AUTO_REFUND", "PROCESS_REFUND"}


@pytest.fixture
async def steps(running_stack: RunningStack, unique: str) -> AsyncIterator[Steps]:
    async with httpx.AsyncClient(timeout=30) as http:
        s = Steps(stack=running_stack, http=http, unique=unique)
        await s.seller()
        yield s


async def test_auto_refund_at_day_15_unless_received(steps: Steps) -> None:
    late, received = await steps.approved(1), await steps.approved(2)
    o = await steps.shipped(late)
    shipped_at = datetime.fromisoformat(o["history"][-1]["at"])
    assert close(due(o, "AUTO_REFUND"), shipped_at + timedelta(days=15))
    assert close(due(o, "SELLER_RETURN_WARNING"), shipped_at + timedelta(days=10))
    assert "SHIP_REMINDER" not in o["next_deadlines"]
    await steps.shipped(received)
    await steps.advance(14 * DAY + 23 * HOUR)
    o = await steps.get(late)
    assert o["status"] == "AWAITING_RETURN"
    assert o["refund"] is None
    r = await steps.ok(received, "receipt", {"note": "in time"})
    assert set(r["next_deadlines"]) == {"PROCESS_OVERDUE"}, r["next_deadlines"]

    await steps.advance(2 * HOUR)
    o = await steps.settled(late, status="PROVISIONALLY_DONE")
    assert o["outcome"] == "AUTO_REFUND"
    assert o["refund_amount"] == "10.50"
    assert o["next_deadlines"] == {}
    r = await steps.get(received)
    assert r["status"] == "PENDING_PROCESS"
    assert r["refund"] is None
    assert "AUTO_REFUND" not in steps.commands(r)


async def test_feedback_timeout_closes_unless_the_customer_answers(steps: Steps) -> None:
    silent, answered = await steps.apply(1), await steps.apply(2)
    o = await steps.audit(silent, "REQUEST_FEEDBACK")
    audited_at = datetime.fromisoformat(o["history"][-1]["at"])
    assert close(due(o, "FEEDBACK_TIMEOUT"), audited_at + timedelta(days=15))
    await steps.audit(answered, "REQUEST_FEEDBACK")
    a = await steps.ok(answered, "feedback", {"text": "here", "photos": []}, as_customer=True)
    assert "FEEDBACK_TIMEOUT" not in a["next_deadlines"]
    await steps.advance(15 * DAY + HOUR)
    o = await steps.settled(silent, status="CLOSED")
    assert o["next_deadlines"] == {}
    a = await steps.get(answered)
    assert a["status"] != "CLOSED"
    assert "FEEDBACK_TIMEOUT" not in steps.commands(a)


async def test_pre_compensation_and_audit_overdue(steps: Steps) -> None:
    ignored, audited = await steps.apply(1), await steps.apply(2)
    o = await steps.get(ignored)
    applied_at = datetime.fromisoformat(o["applied_at"])
    assert close(due(o, "PRE_COMPENSATION"), applied_at + timedelta(days=7))
    assert close(due(o, "AUDIT_OVERDUE"), applied_at + timedelta(hours=12))
    a = await steps.audit(audited, "APPROVE_RETURN")
    assert "PRE_COMPENSATION" not in a["next_deadlines"]
    await steps.advance(12 * HOUR + 60)

    async def overdue() -> bool:
        return bool((await steps.get(ignored))["audit_overdue"])

    await eventually(overdue, what="audit overdue recorded")
    assert "AUDIT_OVERDUE" not in (await steps.get(ignored))["next_deadlines"]
    await steps.advance(7 * DAY)
    o = await steps.settled(ignored, status="PROVISIONALLY_DONE")
    assert o["outcome"] == "PRE_COMPENSATION"
    assert o["refund_amount"] == "10.50"
    a = await steps.get(audited)
    assert a["status"] == "AWAITING_RETURN"
    assert "PRE_COMPENSATE" not in steps.commands(a)
    assert not a["audit_overdue"]

    async def fined() -> str | None:
        text = await steps.penalties(applied_at, await steps.now())
        ok = "PRE_COMPENSATION" in text and ignored in text and "10.50" in text
        ok = ok and "UNAUDITED_12H" in text
        return text if ok else None

    text = await eventually(fined, what="metrics-svc charges the seller", timeout=120)
    assert text is not None
    assert audited not in text


async def test_ship_reminders_and_the_return_warning(steps: Steps) -> None:
    idle, shipped, back = [await steps.approved(n) for n in (1, 2, 3)]
    o = await steps.get(idle)
    audited_at = datetime.fromisoformat(o["audit"]["at"])
    assert close(due(o, "SHIP_REMINDER"), audited_at + timedelta(days=5))
    await steps.shipped(shipped)
    await steps.shipped(back)
    await steps.ok(back, "receipt", {"note": "early"})

    async def reminders(n: int) -> list[dict[str, object]] | None:
        items = await steps.sms(order_id=idle, template="SHIP_REMINDER")
        return items if len(items) == n else None

    for n, day in enumerate((5, 10, 25), start=1):
        passed = await steps.now() - audited_at
        await steps.advance(int((timedelta(days=day, hours=1) - passed).total_seconds()))
        await eventually(lambda n=n: reminders(n), what=f"{n} ship reminders")  # type: ignore[misc]
    warned = await steps.sms(order_id=shipped, template="SELLER_RETURN_WARNING")
    assert len(warned) == 1
    to_seller = without_warnings(await steps.sms(order_id=shipped, phone=steps.seller_phone))
    assert [m["template"] for m in to_seller] == ["SELLER_RETURN_WARNING"], to_seller
    assert await steps.sms(order_id=shipped, template="SHIP_REMINDER") == []
    assert await steps.sms(order_id=back, template="SELLER_RETURN_WARNING") == []
    assert (await steps.get(idle))["next_deadlines"] == {}


async def test_process_overdue_is_recorded_and_fined(steps: Steps) -> None:
    oid = await steps.approved()
    await steps.shipped(oid)
    o = await steps.ok(oid, "receipt", {"note": "got it"})
    received_at = datetime.fromisoformat(o["received_at"])
    assert close(due(o, "PROCESS_OVERDUE"), received_at + timedelta(hours=48))
    await steps.advance(48 * HOUR + 60)

    async def fined() -> str | None:
        text = await steps.penalties(received_at, await steps.now())
        return text if "UNPROCESSED_48H" in text and oid in text else None

    await eventually(fined, what="metrics-svc fines the unprocessed order")
    o = await steps.get(oid)
    assert o["process_overdue"]
    assert o["next_deadlines"] == {}
    assert steps.commands(o).count("PROCESS_OVERDUE") == 1


async def test_repeated_and_stale_firings_change_nothing(
    steps: Steps, running_stack: RunningStack, amqp_url: str
) -> None:
    done, moved = await steps.approved(1), await steps.approved(2)
    # A deadline's id is its slot and the order version that armed it.
    armed = {
        oid: f"{oid}:AUTO_REFUND@v{(await steps.shipped(oid))['version']}" for oid in (done, moved)
    }
    await steps.ok(moved, "receipt", {"note": "back"})
    await steps.advance(15 * DAY + HOUR)
    await steps.settled(done, status="PROVISIONALLY_DONE")

    async def moved_settled() -> bool:  # its 48-hour processing deadline fired meanwhile
        return bool((await steps.get(moved))["process_overdue"])

    await eventually(moved_settled, timeout=120, what="the received order's own deadline applied")
    # The marker is applied after the advance, so its AUDIT_OVERDUE@v1 is live when we fire it.
    # Applied before, its own deadlines fired in the 15-day jump too, and when its 7-day
    # pre-compensation was applied before its 12-hour audit count, our firing was stale and the
    # marker never came (failed twice, once at idle).
    marker = await steps.apply(3)
    before = {oid: await steps.get(oid) for oid in (done, moved)}
    now = await steps.now()
    bus = Bus(
        url=amqp_url, namespace=running_stack.namespace, service="timer-svc", retry_delay_ms=200
    )
    await bus.connect()
    try:
        for oid in (done, moved, done, moved):  # each firing again, with fresh message ids
            await bus.publish(fired(armed[oid], oid, "AUTO_REFUND", now))
        await bus.publish(fired(f"{marker}:AUDIT_OVERDUE@v1", marker, "AUDIT_OVERDUE", now))

        async def marked() -> bool:
            return bool((await steps.get(marker))["audit_overdue"])

        await eventually(marked, timeout=120, what="the marker firing applied")
    finally:
        await bus.close()
    for oid, old in before.items():
        assert (await steps.get(oid))["version"] == old["version"]


def fired(deadline_id: str, order_id: str, kind: str, now: datetime) -> Envelope:
    """A `timer.fired` as timer-svc would publish it, with a new message id."""
    payload = TimerFired(
        deadline_id=deadline_id,
        kind=kind,
        order_id=order_id,
        due_at=now,
        fired_at=now,
    )
    return envelope(type="timer.fired", payload=payload, occurred_at=now, seller_id=None)


async def test_seller_refund_races_the_auto_refund(steps: Steps) -> None:
    ids = [await steps.approved(n) for n in range(12)]
    for oid in ids:
        await steps.shipped(oid)
    await steps.advance(14 * DAY + 23 * HOUR + 59 * 60 + 58)
    gate = asyncio.Semaphore(6)

    async def seller_refunds(oid: str) -> None:
        async with gate:
            r = await steps.post(oid, "receipt", {"note": "race"})
            if r.status_code == 200:
                body = {"outcome": "REFUND", "amount": "10.50", "reason": "quality"}
                await steps.ok(oid, "process", body)

    await asyncio.gather(steps.advance(5), *(seller_refunds(oid) for oid in ids))
    for oid in ids:
        o = await steps.settled(oid, status="PROVISIONALLY_DONE")
        refunds = [c for c in steps.commands(o) if c in REFUNDS]
        assert len(refunds) == 1, (oid, steps.commands(o))
        assert o["refund_amount"] == "10.50"
        assert o["next_deadlines"] == {}


async def test_a_second_feedback_round_times_out_too(steps: Steps) -> None:
    oid = await steps.apply()
    await steps.audit(oid, "REQUEST_FEEDBACK")
    await steps.advance(DAY)
    await steps.ok(oid, "feedback", {"text": "here", "photos": []}, as_customer=True)
    o = await steps.ok(oid, "audit", {"result": "REQUEST_FEEDBACK", "opinion": "more"})
    audited_at = datetime.fromisoformat(o["history"][-1]["at"])
    assert close(due(o, "FEEDBACK_TIMEOUT"), audited_at + timedelta(days=15))
    await steps.advance(15 * DAY + HOUR)
    o = await steps.settled(oid, status="CLOSED")
    assert steps.commands(o).count("FEEDBACK_TIMEOUT") == 1


async def test_a_repeated_return_warning_sends_one_sms(
    steps: Steps, running_stack: RunningStack, amqp_url: str
) -> None:
    oid = await steps.approved()
    did = f"{oid}:SELLER_RETURN_WARNING@v{(await steps.shipped(oid))['version']}"
    await steps.advance(10 * DAY + HOUR)

    async def warned() -> list[dict[str, object]] | None:
        items = await steps.sms(order_id=oid, template="SELLER_RETURN_WARNING")
        return items or None

    await eventually(warned, what="the seller warned")
    before = await steps.get(oid)
    assert "SELLER_RETURN_WARNING" not in before["next_deadlines"]
    bus = Bus(
        url=amqp_url, namespace=running_stack.namespace, service="timer-svc", retry_delay_ms=200
    )
    await bus.connect()
    marker = await steps.apply(9)
    try:
        await bus.publish(fired(did, oid, "SELLER_RETURN_WARNING", await steps.now()))
        await bus.publish(
            fired(f"{marker}:AUDIT_OVERDUE@v1", marker, "AUDIT_OVERDUE", await steps.now())
        )

        async def marked() -> bool:
            return bool((await steps.get(marker))["audit_overdue"])

        await eventually(marked, timeout=120, what="the marker firing applied")
    finally:
        await bus.close()
    after = await steps.get(oid)
    assert steps.commands(after) == steps.commands(before)
    assert len(await steps.sms(order_id=oid, template="SELLER_RETURN_WARNING")) == 1


async def test_seller_refund_races_the_auto_refund_firing_many_times(
    steps: Steps, running_stack: RunningStack, amqp_url: str
) -> None:
    """The firing itself (as timer-svc publishes it) against receipt + refund, 24 orders."""
    ids = [await steps.approved(n) for n in range(24)]
    armed = {oid: f"{oid}:AUTO_REFUND@v{(await steps.shipped(oid))['version']}" for oid in ids}
    gate = asyncio.Semaphore(8)
    bus = Bus(
        url=amqp_url, namespace=running_stack.namespace, service="timer-svc", retry_delay_ms=200
    )
    await bus.connect()
    now = await steps.now()

    async def seller_refunds(oid: str) -> None:
        r = await steps.post(oid, "receipt", {"note": "race"})
        if r.status_code == 200:
            body = {"outcome": "REFUND", "amount": "10.50", "reason": "quality"}
            await steps.ok(oid, "process", body)
        else:
            assert r.status_code == 409, r.text

    async def race(oid: str) -> None:  # both sides of one order start together
        async with gate:
            firing = bus.publish(fired(armed[oid], oid, "AUTO_REFUND", now))
            await asyncio.gather(seller_refunds(oid), firing)

    try:
        await asyncio.gather(*(race(oid) for oid in ids))
    finally:
        await bus.close()
    won: dict[str, int] = {}
    for oid in ids:
        o = await steps.settled(oid, status="PROVISIONALLY_DONE")
        refunds = [c for c in steps.commands(o) if c in REFUNDS]
        assert len(refunds) == 1, (oid, steps.commands(o))
        assert o["refund_amount"] == "10.50"
        won[refunds[0]] = won.get(refunds[0], 0) + 1
    print("refund race won by", won)  # noqa: T201
