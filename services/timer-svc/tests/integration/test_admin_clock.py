"""POST /admin/clock/advance: bounded jumps, and never past the dates a calendar can hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET, bearer
from pymongo import AsyncMongoClient
from timer_svc.bootstrap import definition
from timer_svc.config import Settings

pytestmark = pytest.mark.integration
AGENT = bearer("platform_agent", sub="agent-clock")


@pytest.fixture
def settings(mongo_url: str, amqp_url: str, namespace: str, unique: str) -> Settings:
    return Settings(
        auth_secret=TEST_SECRET,
        mongo_url=mongo_url,
        amqp_url=amqp_url,
        bus_namespace=namespace,
        mongo_db_prefix=f"t{unique}",
        clock="virtual",
    )  # type: ignore[call-arg]


@pytest.fixture
async def timer(
    settings: Settings, mongo_client: AsyncMongoClient[Any]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://timer-svc") as client:
            yield client
    await mongo_client.drop_database(settings.mongo_db)


@pytest.mark.parametrize("seconds", [0, -1, 8.3e9, 366 * 86400 + 1, True, "60", None])
async def test_an_advance_out_of_bounds_is_422(timer: httpx.AsyncClient, seconds: Any) -> None:
    before = (await timer.get("/admin/clock", headers=AGENT)).json()["offset_seconds"]
    answer = await timer.post("/admin/clock/advance", json={"seconds": seconds}, headers=AGENT)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
    assert (await timer.get("/admin/clock", headers=AGENT)).json()["offset_seconds"] == before


async def test_the_clock_never_passes_the_last_date_allowed(
    timer: httpx.AsyncClient, settings: Settings, mongo_client: AsyncMongoClient[Any]
) -> None:
    near_the_end = (datetime(8999, 12, 1, tzinfo=UTC) - datetime.now(UTC)).total_seconds()
    await mongo_client[settings.mongo_db]["clock"].update_one(
        {"_id": "virtual"}, {"$set": {"offset_seconds": near_the_end}}, upsert=True
    )
    answer = await timer.post("/admin/clock/advance", json={"seconds": 86400}, headers=AGENT)
    assert answer.status_code == 200, answer.text
    answer = await timer.post("/admin/clock/advance", json={"seconds": 86400 * 60}, headers=AGENT)
    assert answer.status_code == 422, answer.text
    assert "9000-01-01" in answer.json()["error"]["message"]
    stored = await mongo_client[settings.mongo_db]["clock"].find_one({"_id": {"$eq": "virtual"}})
    assert stored is not None
    assert stored["offset_seconds"] == pytest.approx(near_the_end + 86400)
