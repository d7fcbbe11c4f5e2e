"""Fixtures for timer-svc's integration tests: its store, a bus, and a sink of firings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aio_pika
import pytest
from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import Bus, Topology
from aftersales_shared.persistence import Doc
from pymongo.asynchronous.database import AsyncDatabase
from timer_svc.adapters.deadline_store import MongoDeadlineStore


@dataclass
class FiredSink:
    """Every message on the order-svc queue of a namespace, in arrival order."""

    messages: list[Envelope] = field(default_factory=list)

    def deadline_ids(self) -> list[str]:
        return [m.payload["deadline_id"] for m in self.messages if m.type == "timer.fired"]


@pytest.fixture
async def bus(amqp_url: str, namespace: str) -> AsyncIterator[Bus]:
    bus = Bus(url=amqp_url, namespace=namespace, service="timer-svc", connect_timeout_s=10)
    await bus.connect()
    yield bus
    await bus.close()


@pytest.fixture
async def store(db: AsyncDatabase[Doc]) -> MongoDeadlineStore:
    store = MongoDeadlineStore(db)
    await store.ensure_indexes()
    return store


@pytest.fixture
async def sink(amqp_url: str, namespace: str, bus: Bus) -> AsyncIterator[FiredSink]:
    """Consumes `<namespace>.order-svc` (declared by `bus`)."""
    collected = FiredSink()
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=500)
    queue = await channel.get_queue(Topology(namespace).queue("order-svc"))

    async def on_message(raw: aio_pika.abc.AbstractIncomingMessage) -> None:
        collected.messages.append(Envelope.model_validate_json(raw.body))
        await raw.ack()

    await queue.consume(on_message)
    yield collected
    await asyncio.shield(connection.close())
