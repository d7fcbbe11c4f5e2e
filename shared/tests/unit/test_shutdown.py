"""Shutdown steps are bounded: one that hangs is left behind, one that fails is only logged."""

from __future__ import annotations

import asyncio
import time

from aftersales_shared.shutdown import bounded, stop_all


async def test_a_hanging_step_is_left_behind_within_its_budget() -> None:
    forever = asyncio.Event()
    began = time.monotonic()
    await bounded(forever.wait, name="hangs", budget_s=0.2)
    assert time.monotonic() - began < 2


async def test_a_failing_step_is_logged_not_raised() -> None:
    ran: list[str] = []

    async def fails() -> None:
        ran.append("fails")
        raise RuntimeError("store down")

    await bounded(fails, name="fails", budget_s=1)
    assert ran == ["fails"]


async def test_steps_after_a_hanging_one_still_run_within_the_shared_budget() -> None:
    forever = asyncio.Event()
    ran: list[str] = []

    async def quick() -> None:
        ran.append("quick")

    began = time.monotonic()
    await stop_all([("hangs", forever.wait), ("none", None), ("quick", quick)], budget_s=0.5)
    assert ran == ["quick"]
    assert time.monotonic() - began < 2
