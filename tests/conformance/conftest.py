"""The five services as processes with seeded data; the marks of the conformance tier."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_testkit import TEST_SECRET, free_port

from tests.conformance.descriptions import SERVICES
from tests.conformance.seed import seed


@dataclass(frozen=True)
class ConformanceStack:
    urls: dict[str, str]
    order_id: str
    """The seeded service order."""


@pytest.fixture(scope="session")
def conformance_stack(mongo_url: str, amqp_url: str) -> Iterator[ConformanceStack]:
    """All five services with CLOCK=virtual, one namespace and database prefix, seeded."""
    suffix = uuid.uuid4().hex[:8]
    namespace = f"conf-{suffix}"
    logs = Path(tempfile.mkdtemp(prefix="conformance-logs-"))
    env = {
        "MONGO_URL": mongo_url,
        "AMQP_URL": amqp_url,
        "BUS_NAMESPACE": namespace,
        "MONGO_DB_PREFIX": f"conf_{suffix}",
        "AUTH_SECRET": TEST_SECRET,
        "CLOCK": "virtual",
        "BUS_RETRY_DELAY_MS": "200",
        "BUS_SHUTDOWN_GRACE_S": "5",
        "OUTBOX_POLL_S": "0.2",
    }
    stack = Stack()
    urls: dict[str, str] = {}
    try:
        for service in SERVICES:
            process = stack.start_service(
                service, port=free_port(), env=env, log_path=logs / f"{service}.log"
            )
            assert process.url is not None
            urls[service] = process.url
        stack.wait_ready(timeout=90)
        yield ConformanceStack(urls=urls, order_id=seed(urls["order-svc"]))
    finally:
        stack.stop()
        asyncio.run(delete_namespace(amqp_url, namespace))
