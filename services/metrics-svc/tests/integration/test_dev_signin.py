"""The QC dashboard's development sign-in, and the workbench's CORS on metrics-svc."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from aftersales_shared.service import create_app
from metrics_svc.bootstrap import definition
from metrics_svc.config import Settings

pytestmark = pytest.mark.integration
WORKBENCH = "http://127.0.0.1:8001"


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
            yield client


async def test_development_mints_a_qc_token_the_api_accepts(settings: Settings) -> None:
    async with served(settings.model_copy(update={"env": "development"})) as client:
        accounts = (await client.get("/dashboard/dev/accounts")).json()["accounts"]
        assert [a["role"] for a in accounts] == ["qc_analyst"]
        r = await client.post("/dashboard/dev/tokens", json={"account": accounts[0]["id"]})
        token = r.json()["token"]
        weeks = await client.get("/v1/weeks", headers={"Authorization": f"Bearer {token}"})
        assert weeks.status_code == 200, weeks.text
        unknown = await client.post("/dashboard/dev/tokens", json={"account": "x"})
        assert unknown.status_code == 404


async def test_no_dev_sign_in_in_production(settings: Settings) -> None:
    production = settings.model_copy(update={"env": "production", "clock": "system"})
    async with served(production) as client:
        assert (await client.get("/dashboard/dev/accounts")).status_code == 404
        unknown = await client.post("/dashboard/dev/tokens", json={"account": "x"})
        assert unknown.status_code == 404


async def test_cors_only_for_the_configured_origins(settings: Settings) -> None:
    configured = settings.model_copy(update={"cors_origins": WORKBENCH})
    async with served(configured) as client:
        preflight = await client.options(
            "/v1/penalties",
            headers={
                "Origin": WORKBENCH,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.headers["access-control-allow-origin"] == WORKBENCH
        other = await client.get("/healthz", headers={"Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers
