"""End to end: after the customer's feedback and after a reopen the seller is on a clock again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from aftersales_testkit import eventually

from tests.e2e.conftest import RunningStack
from tests.e2e.deadline_steps import DAY, HOUR, Steps, close, due

pytestmark = pytest.mark.e2e


@pytest.fixture
async def steps(running_stack: RunningStack, unique: str) -> AsyncIterator[Steps]:
    async with httpx.AsyncClient(timeout=30) as http:
        s = Steps(stack=running_stack, http=http, unique=unique)
        await s.seller()
        yield s


async def test_feedback_and_reopen_arm_the_sellers_deadline_again(steps: Steps) -> None:
    answered, reopened = await steps.apply(1), await steps.approved(2)
    await steps.audit(answered, "REQUEST_FEEDBACK")
    body = {"text": "here", "photos": []}
    back = await steps.ok(answered, "feedback", body, as_customer=True)
    assert back["status"] == "PENDING_AUDIT"
    fed_at = datetime.fromisoformat(back["history"][-1]["at"])
    assert close(due(back, "PRE_COMPENSATION"), fed_at + timedelta(days=7)), back
    await steps.shipped(reopened)
    await steps.ok(reopened, "receipt", {"note": "in"})
    original = {"outcome": "RETURN_ORIGINAL", "remark": "not eligible"}
    await steps.ok(reopened, "process", original)
    again = await steps.ok(reopened, "reopen")
    reopened_at = datetime.fromisoformat(again["history"][-1]["at"])
    assert close(due(again, "PROCESS_OVERDUE"), reopened_at + timedelta(hours=48)), again

    await steps.advance(2 * DAY + HOUR)

    async def fined() -> bool:
        return bool((await steps.get(reopened))["process_overdue"])

    await eventually(fined, what="the reopened order's processing fine", timeout=120)
    await steps.advance(5 * DAY + HOUR)
    o = await steps.settled(answered, status="PROVISIONALLY_DONE", within=30)
    assert o["outcome"] == "PRE_COMPENSATION"
    assert o["refund_amount"] == "10.50"
