"""The development sign-in exists with ENV=development only; CORS only for configured origins."""

from __future__ import annotations

import httpx
import jwt
import pytest
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET
from api_support import Api
from order_svc.bootstrap import definition
from order_svc.config import Settings

pytestmark = pytest.mark.integration


async def test_demo_accounts_and_their_tokens(api: Api) -> None:
    r = await api.client.get("/dev/accounts")
    assert r.status_code == 200, r.text
    accounts = {a["id"]: a for a in r.json()["items"]}
    roles = [a["role"] for a in accounts.values()]
    assert roles.count("seller_admin") == 2
    assert {"customer", "platform_agent", "qc_analyst"} <= set(roles)
    staff = [a["permissions"] for a in accounts.values() if a["role"] == "seller_staff"]
    assert {("AUDIT",), ("PROCESS",), ("AUDIT", "PROCESS")} <= {tuple(p) for p in staff}
    r = await api.client.post("/dev/tokens", json={"account": "demo-shop-a-audit"})
    assert r.status_code == 200, r.text
    claims = jwt.decode(r.json()["token"], TEST_SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"], claims["seller_id"]) == (
        "demo-shop-a-audit",
        "seller_staff",
        "demo-shop-a",
    )
    token = (await api.client.post("/dev/tokens", json={"account": "demo-agent"})).json()["token"]
    r = await api.client.get("/v1/service-orders", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    r = await api.client.post("/dev/tokens", json={"account": "nobody"})
    assert r.status_code == 404, r.text


def production(settings: Settings) -> Settings:
    """The same settings as production validates them (its own secret, the system clock)."""
    data = settings.model_dump() | {"env": "production", "clock": "system"}
    return Settings(**data | {"auth_secret": "a-production-secret-of-40-characters-xx"})


def test_production_has_no_development_sign_in(settings: Settings) -> None:
    app = create_app(definition(), production(settings))
    paths = set(app.openapi()["paths"])
    assert "/v1/service-orders/counts" in paths
    assert not [p for p in paths if p.startswith("/dev")]
    development = set(create_app(definition(), settings).openapi()["paths"])
    assert development - paths == {"/dev/accounts", "/dev/tokens"}


async def test_production_answers_404_for_the_sign_in(settings: Settings) -> None:
    app = create_app(definition(), production(settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://order-svc") as client:
        assert (await client.get("/dev/accounts")).status_code == 404
        r = await client.post("/dev/tokens", json={"account": "demo-shop-a-admin"})
        assert r.status_code == 404


async def test_cors_only_for_the_configured_origins(settings: Settings) -> None:
    origin = "http://127.0.0.1:8001"
    for configured, allowed in (("", False), (f"{origin},http://x.test", True)):
        app = create_app(definition(), settings.model_copy(update={"cors_origins": configured}))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            r = await client.options(
                "/v1/service-orders",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
            assert (r.headers.get("access-control-allow-origin") == origin) is allowed, r.headers
            r = await client.get("/healthz", headers={"Origin": "http://evil.test"})
            assert "access-control-allow-origin" not in r.headers
