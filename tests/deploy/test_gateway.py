"""The gateway's nginx configuration, run by a real nginx in front of the five running services."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aftersales_shared.devstack import Stack, wait_tcp
from aftersales_shared.messaging import delete_namespace
from aftersales_testkit import TEST_SECRET, bearer, eventually, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

SERVICES = ("order-svc", "timer-svc", "sms-svc", "metrics-svc", "arbitration-svc")
# Each contract path (with sample ids) → the service that serves it.
ROUTES = {
    "/v1/sellers": "order-svc",
    "/v1/sellers/S1": "order-svc",
    "/v1/sellers/S1/staff": "order-svc",
    "/v1/sellers/S1/staff/U1": "order-svc",
    "/v1/service-orders": "order-svc",
    "/v1/service-orders/batch-audit": "order-svc",
    "/v1/service-orders/SO1/audit": "order-svc",
    "/v1/exchange-orders/EO1/shipped": "order-svc",
    "/v1/sellers/S1/scorecard?week=2026-W48": "metrics-svc",
    "/v1/sellers/S1/scorecard/": "metrics-svc",
    "/v1/sellers/S1/scorecards": "order-svc",  # the regex is anchored: only the scorecard itself
    "/v1/sellers/S1/scorecard/extra": "order-svc",
    "/v1/weeks/2026-W48/ranking": "metrics-svc",
    "/v1/weeks/2026-W48/bottom10": "metrics-svc",
    "/v1/weeks/2026-W48/ranking.csv": "metrics-svc",
    "/v1/escalations": "metrics-svc",
    "/v1/penalties?seller_id=S1&week=2026-W48": "metrics-svc",
    "/dashboard": "metrics-svc",
    "/v1/cases": "arbitration-svc",
    "/v1/cases/C1/ruling": "arbitration-svc",
    "/v1/messages?order_id=SO1": "sms-svc",
    "/admin/clock": "timer-svc",
    "/admin/clock/advance": "timer-svc",
}
# Paths the gateway answers itself: the services' operational endpoints are not public.
NOT_PUBLIC = ["/", "/v1", "/v1/sellersX", "/v1/unknown", "/readyz", "/metrics", "/docs"]
OPERATIONAL = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect"}
OPERATIONAL |= {"/redoc"}


@dataclass
class Gateway:
    url: str
    log: Path

    def entries(self) -> list[dict[str, Any]]:
        text = self.log.read_text() if self.log.exists() else ""
        lines = text.split("\n")[:-1]  # the last piece may be a line nginx is still writing
        return [json.loads(line) for line in lines if line.startswith("{")]

    async def served(self, correlation_id: str) -> dict[str, Any]:
        """The access-log entry of the request that carried this correlation id."""

        async def probe() -> dict[str, Any] | None:
            found = [e for e in self.entries() if e["correlation_id"] == correlation_id]
            return found[0] if found else None

        return await eventually(probe, timeout=60, what=f"access log of {correlation_id}")


@pytest.fixture(scope="module")
async def services(
    mongo_url: str, amqp_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, int]]:
    """The five services as processes (CLOCK=virtual), on free ports: name → port."""
    logs = tmp_path_factory.mktemp("services")
    unique = uuid.uuid4().hex[:10]
    namespace, prefix = f"test-gw-{unique}", f"gw_{unique}"
    env = {
        "AMQP_URL": amqp_url,
        "MONGO_URL": mongo_url,
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": prefix,
    }
    ports = {name: free_port() for name in SERVICES}
    stack = Stack()
    try:
        for name, port in ports.items():
            stack.start_service(name, port=port, env=env, log_path=logs / f"{name}.log")
        await asyncio.to_thread(stack.wait_ready, timeout=120)
        yield ports
    finally:
        await asyncio.to_thread(stack.stop)
        await delete_namespace(amqp_url, namespace)


def start_nginx(nginx: str, config: str, home: Path, *, port: int) -> Iterator[Gateway]:
    """nginx in the foreground with its own prefix, pid, temp and log paths; stopped after."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "gateway.conf").write_text(config.replace("listen 8000;", f"listen 127.0.0.1:{port};"))
    temp = " ".join(
        f"{kind}_temp_path {home / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (home / "nginx.conf").write_text(
        f"pid {home / 'nginx.pid'};\nerror_log {home / 'error.log'} info;\nevents {{}}\n"
        f"http {{\n  {temp}\n  include {home / 'gateway.conf'};\n}}\n"
    )
    argv = [nginx, "-p", str(home), "-c", str(home / "nginx.conf"), "-e", str(home / "error.log")]
    checked = subprocess.run([*argv, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    log = home / "access.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*argv, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_tcp("127.0.0.1", port, timeout=15)
        yield Gateway(url=f"http://127.0.0.1:{port}", log=log)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful, as the nginx image stops it
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gateway_env(ports: Mapping[str, int], *, clock: str) -> dict[str, str]:
    env = {
        f"{name.replace('-', '_').upper()}_UPSTREAM": f"127.0.0.1:{p}" for name, p in ports.items()
    }
    return {**env, "CLOCK": clock, "GATEWAY_RESOLVER": "127.0.0.1"}


@pytest.fixture(scope="module")
def gateway(
    nginx: str,
    services: dict[str, int],
    render_gateway: Callable[[Mapping[str, str]], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    config = render_gateway(gateway_env(services, clock="virtual"))
    yield from start_nginx(nginx, config, tmp_path_factory.mktemp("nginx"), port=free_port())


@pytest.fixture(scope="module")
def broken_gateway(
    nginx: str,
    services: dict[str, int],
    render_gateway: Callable[[Mapping[str, str]], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    """arbitration-svc's upstream points at a port where nothing listens."""
    env = gateway_env({**services, "arbitration-svc": free_port()}, clock="virtual")
    yield from start_nginx(
        nginx, render_gateway(env), tmp_path_factory.mktemp("nginx-broken"), port=free_port()
    )


@pytest.fixture(scope="module")
def system_clock_gateway(
    nginx: str,
    services: dict[str, int],
    render_gateway: Callable[[Mapping[str, str]], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    config = render_gateway(gateway_env(services, clock="system"))
    yield from start_nginx(nginx, config, tmp_path_factory.mktemp("nginx-sys"), port=free_port())


def test_every_name_in_the_template_is_rendered(
    render_gateway: Callable[[Mapping[str, str]], str],
) -> None:
    rendered = render_gateway(gateway_env(dict.fromkeys(SERVICES, 1), clock="system"))
    code = "\n".join(line for line in rendered.splitlines() if not line.lstrip().startswith("#"))
    assert not re.findall(r"\$\{[A-Z_]+\}", code)


async def send(gateway: Gateway, method: str, path: str) -> tuple[httpx.Response, str]:
    correlation_id = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        response = await client.request(
            method,
            path,
            headers={**bearer("platform_agent"), "X-Correlation-Id": correlation_id},
        )
    return response, correlation_id


@pytest.mark.parametrize(("path", "service"), ROUTES.items())
async def test_each_contract_path_reaches_the_service_that_serves_it(
    gateway: Gateway, services: dict[str, int], path: str, service: str
) -> None:
    response, correlation_id = await send(gateway, "GET", path)
    entry = await gateway.served(correlation_id)
    assert entry["upstream"] == f"127.0.0.1:{services[service]}", entry
    assert entry["uri"] == path, "the path and query reach the service unchanged"
    # The answer is the service's: it echoes the correlation id the gateway forwarded.
    assert response.headers["x-correlation-id"] == correlation_id
    assert response.status_code < 500, response.text


async def test_a_request_without_a_token_gets_the_services_401(
    gateway: Gateway, services: dict[str, int]
) -> None:
    correlation_id = uuid.uuid4().hex
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        response = await client.get("/admin/clock", headers={"X-Correlation-Id": correlation_id})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert (await gateway.served(correlation_id))[
        "upstream"
    ] == f"127.0.0.1:{services['timer-svc']}"


async def test_the_virtual_clock_answers_through_the_gateway(gateway: Gateway) -> None:
    response, _ = await send(gateway, "GET", "/admin/clock")
    assert response.status_code == 200
    assert "offset_seconds" in response.json()


@pytest.mark.parametrize("path", NOT_PUBLIC)
async def test_other_paths_are_answered_by_the_gateway_itself(gateway: Gateway, path: str) -> None:
    response, correlation_id = await send(gateway, "GET", path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert (await gateway.served(correlation_id))["upstream"] == ""


async def test_the_gateway_has_its_own_liveness_check(gateway: Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/admin/clock", "/admin/clock/advance"])
async def test_with_the_system_clock_the_clock_controls_do_not_exist(
    system_clock_gateway: Gateway, path: str
) -> None:
    response, correlation_id = await send(system_clock_gateway, "GET", path)
    assert response.status_code == 404
    assert (await system_clock_gateway.served(correlation_id))["upstream"] == ""


async def test_with_the_system_clock_the_api_is_still_routed(
    system_clock_gateway: Gateway, services: dict[str, int]
) -> None:
    _, correlation_id = await send(system_clock_gateway, "GET", "/v1/cases")
    entry = await system_clock_gateway.served(correlation_id)
    assert entry["upstream"] == f"127.0.0.1:{services['arbitration-svc']}"


async def test_every_path_a_service_declares_is_routed_to_a_service_declaring_it(
    gateway: Gateway, services: dict[str, int]
) -> None:
    """Reads each service's OpenAPI: a route added outside the gateway's prefixes fails here."""
    declared: dict[str, set[str]] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for name, port in services.items():
            spec = (await client.get(f"http://127.0.0.1:{port}/openapi.json")).json()
            for template in spec["paths"]:
                declared.setdefault(template, set()).add(name)
    ports = {f"127.0.0.1:{port}": name for name, port in services.items()}
    for template, owners in sorted(declared.items()):
        if template in OPERATIONAL:
            continue
        path = re.sub(r"\{[^}]+\}", "x1", template)
        _, correlation_id = await send(gateway, "GET", path)
        upstream = (await gateway.served(correlation_id))["upstream"]
        assert ports.get(upstream) in owners, f"{template} ({owners}) went to {upstream or 'none'}"


def health_commands(compose: dict[str, Any]) -> dict[str, list[str]]:
    """The services' health checks as compose and the Dockerfile write them (python → this one)."""
    from_compose = compose["services"]["order-svc"]["healthcheck"]["test"][1:]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    line = re.search(r"HEALTHCHECK .*?CMD (\[.*?\])\n", dockerfile, re.S)
    assert line is not None
    from_dockerfile = json.loads(line[1])
    return {
        "compose": [sys.executable, *from_compose[1:]],
        "Dockerfile": [sys.executable, *from_dockerfile[1:]],
    }


@pytest.mark.parametrize("where", ["compose", "Dockerfile"])
def test_the_health_check_commands_work(
    services: dict[str, int], compose: dict[str, Any], where: str
) -> None:
    """The exact command of the services' health check, against a live service and a dead port."""
    command = health_commands(compose)[where]
    assert command[1] == "-c"
    up = {"HTTP_PORT": str(services["order-svc"])}
    assert subprocess.run(command, env=up, check=False).returncode == 0
    down = {"HTTP_PORT": str(free_port())}
    assert subprocess.run(command, env=down, capture_output=True, check=False).returncode != 0


async def test_a_service_that_is_down_gets_a_502_in_the_error_shape(
    broken_gateway: Gateway,
) -> None:
    response, _ = await send(broken_gateway, "GET", "/v1/cases")
    assert response.status_code == 502, response.text
    assert response.json()["error"]["code"] == "unavailable"
    ok, _ = await send(broken_gateway, "GET", "/v1/messages")
    assert ok.status_code < 500, "the other services are still reached"


def test_the_renderer_matches_the_images_envsubst(
    render_gateway: Callable[[Mapping[str, str]], str], gateway_template: str
) -> None:
    """The nginx image runs `envsubst "${A} ${B} ..."` over the defined names; so do we."""
    envsubst = shutil.which("envsubst")
    if envsubst is None:
        pytest.skip("envsubst (gettext-base) is not installed")
    env = gateway_env(dict.fromkeys(SERVICES, 9), clock="virtual")
    names = " ".join(f"${{{name}}}" for name in [*env, "PATH", "HOME", "HOSTNAME", "NGINX_VERSION"])
    defined = {**env, "PATH": "/usr/bin", "HOME": "/root", "HOSTNAME": "gw", "NGINX_VERSION": "1"}
    result = subprocess.run(
        [envsubst, names], input=gateway_template, env=defined, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout == render_gateway(env)
