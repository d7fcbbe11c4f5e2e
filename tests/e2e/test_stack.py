"""The five services boot, answer their operational endpoints and share the virtual clock."""

from __future__ import annotations

import httpx
import pytest
from aftersales_shared.devstack import DEFAULT_PORTS
from aftersales_testkit import eventually

from tests.e2e.conftest import AGENT, RunningStack

pytestmark = pytest.mark.e2e
SERVICES = list(DEFAULT_PORTS)


@pytest.mark.parametrize("service", SERVICES)
async def test_service_serves_its_operational_endpoints(
    service: str, running_stack: RunningStack, http: httpx.AsyncClient
) -> None:
    base = running_stack.url(service)
    assert (await http.get(f"{base}/healthz")).json() == {"status": "ok"}
    ready = await http.get(f"{base}/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["store"] is True
    assert ready.json()["checks"]["broker"] is True
    spec = (await http.get(f"{base}/openapi.json")).json()
    assert spec["info"]["title"].startswith(service)
    assert "/readyz" in spec["paths"]
    assert (await http.get(f"{base}/docs")).status_code == 200
    metrics = (await http.get(f"{base}/metrics")).text
    assert "http_request_duration_seconds" in metrics


@pytest.mark.parametrize("service", SERVICES)
async def test_admin_clock_needs_a_token(
    service: str, running_stack: RunningStack, http: httpx.AsyncClient
) -> None:
    response = await http.get(f"{running_stack.url(service)}/admin/clock")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_advancing_the_clock_reaches_every_service(
    running_stack: RunningStack, http: httpx.AsyncClient
) -> None:
    timer = running_stack.url("timer-svc")
    before = (await http.get(f"{timer}/admin/clock", headers=AGENT)).json()["offset_seconds"]
    answer = await http.post(f"{timer}/admin/clock/advance", json={"seconds": 3600}, headers=AGENT)
    assert answer.status_code == 200, answer.text
    target = before + 3600
    assert answer.json()["offset_seconds"] == target
    for service in SERVICES:

        async def caught_up(base: str = running_stack.url(service)) -> bool:
            seen = (await http.get(f"{base}/admin/clock", headers=AGENT)).json()
            return bool(seen["offset_seconds"] >= target)

        await eventually(caught_up, what=f"{service} sees the advanced clock")


async def test_advance_validates_its_body_and_caller(
    running_stack: RunningStack, http: httpx.AsyncClient
) -> None:
    from aftersales_shared.auth import Role
    from aftersales_testkit import bearer

    url = f"{running_stack.url('timer-svc')}/admin/clock/advance"
    assert (await http.post(url, json={"seconds": -5}, headers=AGENT)).status_code == 422
    assert (await http.post(url, json={"secs": 5}, headers=AGENT)).status_code == 422
    customer = bearer(Role.CUSTOMER, sub="c1")
    assert (await http.post(url, json={"seconds": 5}, headers=customer)).status_code == 403
