"""A process whose lease is taken steps down at once, and counts again once it holds it again."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.config import Settings
from prometheus_client import REGISTRY

from .conftest import Running, running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
APPLIED = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W40


@pytest.fixture
async def svc(settings: Settings) -> AsyncIterator[Running]:
    async with running(settings.model_copy(update={"active_lease_s": 1.0})) as started:
        yield started


def active() -> float | None:
    return REGISTRY.get_sample_value("metrics_active")


async def test_a_taken_lease_stops_ingestion_until_it_is_ours_again(
    svc: Running, unique: str
) -> None:
    lease = svc.runtime.db["lease"]
    assert active() == 1
    assert svc.active.consumer.ready
    far = int(time.time() * 1000) + 3_600_000
    await lease.update_one({"_id": "active"}, {"$set": {"owner": "another", "until_ms": far}})

    async def stepped_down() -> bool:
        return active() == 0 and not svc.active.consumer.ready

    await eventually(stepped_down, timeout=30, what="the process stepped down")
    seller = f"{unique}-s"
    event = order_event(
        "audited", seller_id=seller, order_id=f"{unique}-o1", applied_at=APPLIED,
        audited_at=APPLIED,
    )  # fmt: skip
    await svc.publisher.publish(event)
    await lease.update_one({"_id": "active"}, {"$set": {"until_ms": 0}})

    async def counted() -> dict[str, int] | None:
        res = await svc.client.get(f"/v1/sellers/{seller}/scorecard?week=2026-W40", headers=QC)
        audit = next(
            i for i in res.json()["current"]["indicators"] if i["name"] == "audit_within_12h"
        )
        got = {"n": audit["numerator"], "d": audit["denominator"]}
        return got if active() == 1 and got["d"] else None

    assert await eventually(counted, timeout=30, what="counted after retaking") == {"n": 1, "d": 1}
