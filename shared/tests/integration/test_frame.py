"""The frame runs a service from its definition: bootstrap, typed container, readiness, stop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import pytest
from aftersales_shared.persistence import Doc
from aftersales_shared.service import (
    Container,
    IdempotencyDep,
    Runtime,
    ServiceDefinition,
    container_dependency,
    create_app,
    wired,
)
from aftersales_shared.settings import ServiceSettings
from aftersales_testkit.helpers import TEST_SECRET, bearer
from fastapi import APIRouter, Depends, FastAPI
from pymongo import AsyncMongoClient


class DemoSettings(ServiceSettings):
    service_name: str = "demo-svc"
    greeting: str = "hello"


@dataclass
class Greeter:
    greeting: str
    stopped: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class DemoContainer(Container):
    greeter: Greeter
    built_with: Runtime[DemoSettings]


ContainerDep = Annotated[DemoContainer, Depends(container_dependency(DemoContainer))]
GreeterDep = Annotated[Greeter, Depends(wired(DemoContainer, lambda c: c.greeter))]
router = APIRouter()


@router.get("/greeting")
async def greeting(
    container: ContainerDep, greeter: GreeterDep, idempotency: IdempotencyDep
) -> dict[str, object]:
    return {
        "greeting": greeter.greeting,
        "same_greeter": greeter is container.greeter,
        "same_store": idempotency is container.built_with.idempotency,
    }


async def bootstrap(runtime: Runtime[DemoSettings]) -> DemoContainer:
    greeter = Greeter(runtime.settings.greeting)  # typed: no isinstance on the settings

    async def stop() -> None:
        greeter.stopped.append("stopped")

    async def checks() -> dict[str, bool]:
        return {"greeter": True}

    return DemoContainer(greeter=greeter, built_with=runtime, stop=stop, checks=checks)


def definition() -> ServiceDefinition[DemoSettings, DemoContainer]:
    return ServiceDefinition(
        name="demo-svc", title="demo", description="", routers=[router], bootstrap=bootstrap
    )


@asynccontextmanager
async def running(settings: DemoSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            yield app, client


@pytest.fixture
async def settings(
    mongo_url: str,
    amqp_url: str,
    namespace: str,
    unique: str,
    mongo_client: AsyncMongoClient[Doc],
) -> AsyncIterator[DemoSettings]:
    """The demo service's settings; its database is dropped afterwards."""
    settings = DemoSettings(
        mongo_url=mongo_url,
        mongo_db_prefix=f"t{unique}",
        amqp_url=amqp_url,
        bus_namespace=namespace,
        auth_secret=TEST_SECRET,  # type: ignore[arg-type]
        greeting="hi from the settings",
    )
    yield settings
    await mongo_client.drop_database(settings.mongo_db)


async def test_the_routes_get_the_container_that_bootstrap_built(settings: DemoSettings) -> None:
    async with running(settings) as (app, client):
        answer = await client.get("/greeting")
        assert answer.status_code == 200
        assert answer.json() == {
            "greeting": "hi from the settings",
            "same_greeter": True,
            "same_store": True,
        }
        assert app.state.container.built_with is app.state.runtime
        assert app.state.runtime.settings is settings


async def test_readiness_adds_the_service_checks_and_stop_runs_at_shutdown(
    settings: DemoSettings,
) -> None:
    async with running(settings) as (app, client):
        ready = await client.get("/readyz")
        assert ready.json()["checks"] == {"store": True, "broker": True, "greeter": True}
        greeter: Greeter = app.state.container.greeter
        assert greeter.stopped == []
    assert greeter.stopped == ["stopped"]


async def test_the_clock_route_is_mounted_only_with_the_virtual_clock(
    settings: DemoSettings,
) -> None:
    headers = bearer("platform_agent")
    async with running(settings) as (_, client):
        assert (await client.get("/admin/clock", headers=headers)).status_code == 404
    virtual = settings.model_copy(update={"clock": "virtual"})
    async with running(virtual) as (_, client):
        seen = await client.get("/admin/clock", headers=headers)
        assert seen.status_code == 200
        assert seen.json()["offset_seconds"] == 0.0
