"""Warnings end to end: order-svc arms each with its deadline, timer-svc fires it on the virtual
clock at its offset, order-svc asks sms-svc for the notice (`notice.requested`), the seller reads
it in `GET /v1/notices`; none when the seller acted first. The clock is shared by the session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from aftersales_testkit import eventually

from tests.e2e.conftest import RunningStack
from tests.e2e.deadline_steps import DAY, HOUR, Steps

pytestmark = pytest.mark.e2e
MINUTE = 60


@pytest.fixture
async def steps(running_stack: RunningStack, unique: str) -> AsyncIterator[Steps]:
    async with httpx.AsyncClient(timeout=30) as http:
        s = Steps(stack=running_stack, http=http, unique=unique)
        await s.seller()
        yield s


async def notices(steps: Steps, kind: str) -> list[dict[str, Any]]:
    """The seller's notices of a kind, as its main account reads them on sms-svc."""
    r = await steps.http.get(
        f"{steps.stack.url('sms-svc')}/v1/notices", params={"kind": kind}, headers=steps.boss
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


async def advance_to(steps: Steps, at: datetime) -> None:
    passed = await steps.now()
    await steps.advance(max(int((at - passed).total_seconds()), 1))


async def warned_at(steps: Steps, kind: str, order_id: str, *, before: datetime) -> dict[str, Any]:
    """Nothing of `kind` a minute before its offset; one notice once it is passed, not earlier."""
    await advance_to(steps, before - timedelta(minutes=1))
    assert await notices(steps, kind) == [], f"{kind} before its offset"
    history = (await steps.get(order_id))["history"]
    assert not [h for h in history if (h.get("detail") or "").startswith(f"{kind}:")], kind
    await steps.advance(2 * MINUTE)

    async def one() -> list[dict[str, Any]] | None:
        found = await notices(steps, kind)
        return found or None

    found = await eventually(one, timeout=120, what=f"the {kind} notice")
    assert found is not None
    (notice,) = found
    assert notice["order_id"] == order_id
    assert datetime.fromisoformat(notice["at"]) >= before, "announced at its offset, not before"
    return notice


async def sms_once(steps: Steps, order_id: str, template: str) -> None:
    """The warning's SMS reaches the seller's after-sales contact, once."""

    async def sent() -> list[dict[str, Any]] | None:
        return await steps.sms(order_id=order_id, template=template) or None

    found = await eventually(sent, timeout=120, what=f"the {template} SMS")
    assert found is not None
    (m,) = found
    assert m["phone"].endswith(steps.seller_phone[-4:]), m


async def test_audit_and_pre_compensation_warnings_unless_the_seller_audits(steps: Steps) -> None:
    ignored, audited = await steps.apply(1), await steps.apply(2)
    await steps.audit(audited, "APPROVE_RETURN")  # before the 10th hour: no warnings at all
    applied_at = datetime.fromisoformat((await steps.get(ignored))["applied_at"])
    due = applied_at + timedelta(hours=12)
    notice = await warned_at(
        steps, "AUDIT_DUE_SOON", ignored, before=applied_at + timedelta(hours=10)
    )
    assert abs(datetime.fromisoformat(notice["due_at"]) - due) < timedelta(seconds=1)
    await sms_once(steps, ignored, "AUDIT_DUE_SOON")
    pre = applied_at + timedelta(days=6)
    notice = await warned_at(steps, "PRE_COMPENSATION_DUE_SOON", ignored, before=pre)
    assert abs(datetime.fromisoformat(notice["due_at"]) - (pre + timedelta(days=1))) < timedelta(
        seconds=1
    )
    await steps.advance(DAY + HOUR)
    await steps.settled(ignored, status="PROVISIONALLY_DONE")
    assert len(await notices(steps, "AUDIT_DUE_SOON")) == 1, "each once"
    assert len(await notices(steps, "PRE_COMPENSATION_DUE_SOON")) == 1
    assert await steps.sms(order_id=audited, template="AUDIT_DUE_SOON") == []


async def test_process_and_auto_refund_warnings_unless_the_seller_acts(steps: Steps) -> None:
    late, received = await steps.approved(1), await steps.approved(2)
    o = await steps.shipped(late)
    shipped_at = datetime.fromisoformat(o["history"][-1]["at"])
    await steps.shipped(received)
    r = await steps.ok(received, "receipt", {"note": "in time"})
    received_at = datetime.fromisoformat(r["history"][-1]["at"])
    processed = await steps.approved(3)
    await steps.shipped(processed)
    await steps.ok(processed, "receipt", {"note": "in time"})
    refund = {"outcome": "REFUND", "amount": "10.50", "reason": "ok"}
    await steps.ok(processed, "process", refund)  # processed at once: no PROCESS_DUE_SOON
    await warned_at(steps, "PROCESS_DUE_SOON", received, before=received_at + timedelta(hours=42))
    await warned_at(steps, "AUTO_REFUND_DUE_SOON", late, before=shipped_at + timedelta(days=14))
    await steps.advance(DAY + HOUR)
    await steps.settled(late, status="PROVISIONALLY_DONE")
    assert await steps.sms(order_id=processed, template="PROCESS_DUE_SOON") == []
    assert await steps.sms(order_id=received, template="AUTO_REFUND_DUE_SOON") == []
    assert len(await notices(steps, "AUTO_REFUND_DUE_SOON")) == 1, "each once"
