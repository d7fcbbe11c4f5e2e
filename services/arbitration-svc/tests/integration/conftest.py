"""The arbitration-svc harness as a fixture for the integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import Harness, running


@pytest.fixture
async def arb(mongo_url: str, amqp_url: str, namespace: str, unique: str) -> AsyncIterator[Harness]:
    async with running(
        mongo_url=mongo_url, amqp_url=amqp_url, namespace=namespace, unique=unique
    ) as harness:
        yield harness
