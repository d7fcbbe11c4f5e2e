"""The five services as processes, sharing one namespace, database prefix and virtual clock."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_shared.devstack import DEFAULT_PORTS, Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_testkit import TEST_SECRET, bearer, free_port

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class RunningStack:
    urls: dict[str, str]
    namespace: str
    db_prefix: str
    logs: Path

    def url(self, service: str) -> str:
        return self.urls[service]


def stack_env(*, mongo_url: str, amqp_url: str, namespace: str, db_prefix: str) -> dict[str, str]:
    return {
        "MONGO_URL": mongo_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": db_prefix,
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "BUS_RETRY_DELAY_MS": "200",
        "BUS_SHUTDOWN_GRACE_S": "5",
        "OUTBOX_POLL_S": "0.2",
    }


@pytest.fixture(scope="session")
def running_stack(mongo_url: str, amqp_url: str) -> Iterator[RunningStack]:
    """All five services, started once for the e2e session."""
    suffix = uuid.uuid4().hex[:8]
    namespace, db_prefix = f"e2e-{suffix}", f"e2e_{suffix}"
    logs = Path(tempfile.mkdtemp(prefix="e2e-logs-"))
    env = stack_env(
        mongo_url=mongo_url, amqp_url=amqp_url, namespace=namespace, db_prefix=db_prefix
    )
    ports = {service: free_port() for service in DEFAULT_PORTS}
    env["METRICS_API_URL"] = f"http://127.0.0.1:{ports['metrics-svc']}"  # the workbench reads it
    env["CORS_ORIGINS"] = f"http://127.0.0.1:{ports['order-svc']}"
    stack = Stack()
    urls: dict[str, str] = {}
    try:
        for service, port in ports.items():
            process = stack.start_service(
                service, port=port, env=env, log_path=logs / f"{service}.log"
            )
            assert process.url is not None
            urls[service] = process.url
        stack.wait_ready(timeout=90)
        yield RunningStack(urls=urls, namespace=namespace, db_prefix=db_prefix, logs=logs)
    finally:
        stack.stop()
        import asyncio

        asyncio.run(delete_namespace(amqp_url, namespace))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


AGENT = bearer(Role.PLATFORM_AGENT, sub="agent-1")
