"""The `transport` fixture: each contract test runs on RabbitMQ and on the in-memory bus."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from transports import MemoryTransport, RabbitTransport, Transport


@pytest.fixture(params=[pytest.param("rabbitmq", marks=pytest.mark.integration), "memory"])
async def transport(
    request: pytest.FixtureRequest, amqp_url: str, namespace: str
) -> AsyncIterator[Transport]:
    """A namespace of this test's own on one of the two transports."""
    chosen: Transport = (
        RabbitTransport(url=amqp_url, namespace=namespace)
        if request.param == "rabbitmq"
        else MemoryTransport(namespace=namespace)
    )
    try:
        yield chosen
    finally:
        await chosen.close()
