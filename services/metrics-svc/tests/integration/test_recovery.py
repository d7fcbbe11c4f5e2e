"""Counters live in memory and are checkpointed: a crash anywhere loses nothing, doubles nothing.

A crash is simulated by making the last checkpoint of a graceful stop fail: the process then
leaves exactly what a killed one would (facts written, pages and watermark as of the last
successful checkpoint). A restart on the same database must show exact counters.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_shared.clock import VirtualClock
from aftersales_shared.contracts import Envelope
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.adapters.store import MetricsStore, page_sellers
from metrics_svc.config import Settings
from metrics_svc.domain.counters import Page, as_counts, page_of
from metrics_svc.domain.facts import Fact
from metrics_svc.domain.weeks import shift_week, week_end, week_of, week_start
from metrics_svc.handlers.ingest import Ingestor
from pymongo.errors import AutoReconnect

from .conftest import Running, running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
WEEK = shift_week(week_of(datetime.now(UTC)), 2)
"""A week not over yet: a restart does not close it (the closer's first round runs at start)."""
APPLIED = week_start(WEEK) + timedelta(days=1, hours=10)  # Tuesday 10:00 Shanghai


def audit(seller: str, order: str, *, hours: int = 1) -> Envelope:
    """An audit of `order`, within 12h when `hours` <= 12."""
    return order_event(
        "audited", seller_id=seller, order_id=order, applied_at=APPLIED,
        audited_at=APPLIED + timedelta(hours=hours),
    )  # fmt: skip


def parts(svc: Running) -> tuple[Ingestor, MetricsStore]:
    return svc.active.ingestor, svc.container.store


async def audits_of(svc: Running, seller: str) -> tuple[int, int]:
    """(within 12h, audited) on the seller's live scorecard."""
    res = await svc.client.get(f"/v1/sellers/{seller}/scorecard?week={WEEK}", headers=QC)
    assert res.status_code == 200, res.text
    audit = res.json()["current"]["indicators"][1]
    return audit["numerator"], audit["denominator"]


async def publish_and_wait(svc: Running, messages: list[Envelope], marker: str) -> None:
    """Publish, then a marker audit of its own seller; batches are written in order, so once
    the marker counts, every message published before it has been written."""
    for message in messages:
        await svc.publisher.publish(message)
    await svc.publisher.publish(audit(marker, f"{marker}-{len(messages)}"))

    async def marked() -> bool:
        return (await audits_of(svc, marker))[1] >= 1

    await eventually(marked, what=f"marker {marker} counted")


async def stored_counts(store: MetricsStore, seller: str) -> dict[str, int]:
    for doc in await store.pages_of_week(WEEK):
        if seller in (sellers := page_sellers(doc)):
            return as_counts(sellers[seller])
    return {}


def crash_on_stop(svc: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checkpoint of the coming stop fails: what is left is what a killed process leaves."""

    async def down(*args: Any, **kwargs: Any) -> None:
        raise AutoReconnect("simulated crash")

    _, store = parts(svc)
    monkeypatch.setattr(store, "save_pages", down)
    monkeypatch.setattr(store, "save_watermark", down)


def sellers_on_two_pages(unique: str) -> tuple[str, str]:
    """Two seller ids whose counters live on different pages."""
    first = f"a-{unique}"
    second = next(s for n in itertools.count() if page_of(s := f"b{n}-{unique}") != page_of(first))
    return first, second


async def test_facts_written_after_the_last_checkpoint_are_replayed_once_after_a_crash(
    settings: Settings, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller, other = f"s-{unique}", f"o-{unique}"
    before = [audit(seller, f"{unique}-{n}", hours=h) for n, h in enumerate([1, 2, 13])]
    after = [
        audit(seller, f"{unique}-3", hours=20),
        audit(seller, f"{unique}-4"),
        audit(other, f"{unique}-5"),
    ]
    async with running(settings) as svc:
        await publish_and_wait(svc, before, f"m1-{unique}")
        ingestor, store = parts(svc)
        await ingestor.checkpoint()
        assert (await stored_counts(store, seller))["aud_d"] == 3
        await publish_and_wait(svc, after, f"m2-{unique}")
        assert await audits_of(svc, seller) == (3, 5)
        crash_on_stop(svc, monkeypatch)
    monkeypatch.undo()

    async with running(settings) as svc:
        assert await audits_of(svc, seller) == (3, 5)
        assert await audits_of(svc, other) == (1, 1)
        # every event again (a redelivery after the crash) still counts once
        await publish_and_wait(svc, before + after, f"m3-{unique}")
        assert await audits_of(svc, seller) == (3, 5)
        await publish_and_wait(svc, [audit(seller, f"{unique}-6")], f"m4-{unique}")
        assert await audits_of(svc, seller) == (4, 6)
        # the closer saves the counters first and ranks from complete ones
        ingestor, store = parts(svc)
        clock = svc.runtime.clock
        assert isinstance(clock, VirtualClock)
        clock.advance((week_end(WEEK) - clock.now()).total_seconds() + 60)
        assert WEEK in await svc.active.closer.tick()
        ranking = (await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)).json()
        ours = next(r for r in ranking["items"] if r["seller_id"] == seller)
        assert (ours["indicators"][1]["numerator"], ours["indicators"][1]["denominator"]) == (4, 6)
        assert await stored_counts(store, seller) == {"aud_d": 6, "aud_n": 4}


async def test_a_half_written_checkpoint_neither_loses_nor_doubles_a_fact(
    settings: Settings, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sellers_on_two_pages(unique)
    orders = (f"{unique}-{n}" for n in itertools.count())
    async with running(settings) as svc:
        ingestor, store = parts(svc)
        both = lambda: [audit(first, next(orders)), audit(second, next(orders))]  # noqa: E731
        await publish_and_wait(svc, both(), f"m1-{unique}")
        await ingestor.checkpoint()  # complete: the watermark moves past these
        await publish_and_wait(svc, both(), f"m2-{unique}")
        save = store.save_pages

        async def first_page_only(pages: list[Page], *, q: int) -> None:
            await save([p for p in pages if first in p.sellers], q=q)
            raise AutoReconnect("simulated crash in the middle of a checkpoint")

        monkeypatch.setattr(store, "save_pages", first_page_only)
        with pytest.raises(AutoReconnect):
            await ingestor.checkpoint()
        monkeypatch.undo()
        assert (await stored_counts(store, first))["aud_d"] == 2  # saved at the new q
        assert (await stored_counts(store, second))["aud_d"] == 1  # as of the watermark
        await publish_and_wait(svc, both(), f"m3-{unique}")
        assert await audits_of(svc, first) == (3, 3)
        crash_on_stop(svc, monkeypatch)
    monkeypatch.undo()

    async with running(settings) as svc:
        assert await audits_of(svc, first) == (3, 3)
        assert await audits_of(svc, second) == (3, 3)


async def test_a_batch_whose_insert_failed_midway_is_counted_once_on_its_redelivery(
    svc: Running, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = f"f-{unique}"
    _, store = parts(svc)
    insert = store.insert_new
    written: list[int] = []

    async def half_then_fail(facts: list[Fact], *, late_weeks: set[str], q: int) -> list[Fact]:
        ours = [f for f in facts if f.seller_id == seller]
        if written or not ours:
            return await insert(facts, late_weeks=late_weeks, q=q)
        written.extend(range(len(ours) // 2 + 1))
        await insert(ours[: len(written)], late_weeks=late_weeks, q=q)
        raise AutoReconnect("connection lost after part of the batch was written")

    monkeypatch.setattr(store, "insert_new", half_then_fail)
    for n in range(6):
        await svc.publisher.publish(audit(seller, f"{unique}-{n}"))

    async def six() -> bool:  # the failed batch is requeued: later batches may pass it
        return await audits_of(svc, seller) == (6, 6)

    await eventually(six, what="the six audits counted")
    assert written, "the failure was not injected"
    await publish_and_wait(svc, [], f"m-{unique}")
    assert await audits_of(svc, seller) == (6, 6)


async def test_a_week_closes_only_after_the_batch_in_the_store_is_counted(
    svc: Running, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = f"w-{unique}"
    _, store = parts(svc)
    insert = store.insert_new
    entered, release = asyncio.Event(), asyncio.Event()

    async def held(facts: list[Fact], *, late_weeks: AbstractSet[str], q: int) -> list[Fact]:
        if any(f.seller_id == seller for f in facts):
            entered.set()
            await release.wait()
        new: list[Fact] = await insert(facts, late_weeks=late_weeks, q=q)
        return new

    monkeypatch.setattr(store, "insert_new", held)
    await publish_and_wait(svc, [], f"m-{unique}")  # the week is known, with one seller
    await svc.publisher.publish(audit(seller, f"{unique}-1"))
    await asyncio.wait_for(entered.wait(), timeout=60)
    clock = svc.runtime.clock
    assert isinstance(clock, VirtualClock)
    clock.advance((week_end(WEEK) - clock.now()).total_seconds() + 60)
    closing = asyncio.create_task(svc.active.closer.tick())
    release.set()
    assert WEEK in await closing
    ranking = (await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)).json()
    ranked = {r["seller_id"]: r["indicators"][1]["denominator"] for r in ranking["items"]}
    assert ranked == {f"m-{unique}": 1, seller: 1}
    assert await stored_counts(store, seller) == {"aud_d": 1, "aud_n": 1}


async def late_facts(svc: Running) -> int:
    """The late-fact count on the week's header."""
    res = await svc.client.get(f"/v1/weeks/{WEEK}/ranking?limit=1", headers=QC)
    assert res.status_code == 200, res.text
    count: int = res.json()["late_facts"]
    return count


async def wait_late(svc: Running, at_least: int) -> int:
    async def enough() -> int | None:
        n = await late_facts(svc)
        return n if n >= at_least else None

    found = await eventually(enough, what=f"{at_least} late facts")
    assert found is not None
    return found


async def test_late_facts_written_after_the_last_checkpoint_are_counted_once_after_a_crash(
    settings: Settings, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller = f"t-{unique}"
    late = [audit(seller, f"{unique}-late-{n}") for n in range(4)]
    async with running(settings) as svc:
        await publish_and_wait(svc, [audit(seller, f"{unique}-0")], f"m-{unique}")
        clock = svc.runtime.clock
        assert isinstance(clock, VirtualClock)
        clock.advance((week_end(WEEK) - clock.now()).total_seconds() + 60)
        assert WEEK in await svc.active.closer.tick()
        for message in late[:2]:
            await svc.publisher.publish(message)
        assert await wait_late(svc, 2) == 2
        await parts(svc)[0].checkpoint()  # two late facts saved with the watermark
        await svc.publisher.publish(late[2])
        assert await wait_late(svc, 3) == 3
        crash_on_stop(svc, monkeypatch)
    monkeypatch.undo()

    async with running(settings) as svc:
        assert await late_facts(svc) == 3  # the third replayed from the facts after the watermark
        for message in late:  # the first three again (redelivered), then a new one
            await svc.publisher.publish(message)
        assert await wait_late(svc, 4) == 4
    async with running(settings) as svc:  # a graceful stop saved them
        assert await late_facts(svc) == 4
        ranking = (await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)).json()
        ours = next(r for r in ranking["items"] if r["seller_id"] == seller)
        assert ours["indicators"][1]["denominator"] == 1  # the published ranking never moved
