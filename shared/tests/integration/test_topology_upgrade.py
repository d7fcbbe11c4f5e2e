"""A broker declared by an earlier release: its retired bindings go when a service declares."""

from __future__ import annotations

import aio_pika
import pytest
from aftersales_shared.contracts import NOTICES_QUEUE, retired_bindings
from aftersales_shared.messaging import Bus, Topology
from aftersales_shared.messaging.topology import QUORUM
from aftersales_testkit import depth, eventually

pytestmark = pytest.mark.integration


async def _bind_as_before(amqp_url: str, topology: Topology) -> None:
    """sms-svc's own queue bound to the notice types, as before they had a queue of their own."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(
            topology.queue("sms-svc"), durable=True, arguments=QUORUM
        )
        for routing_key in retired_bindings("sms-svc"):
            await queue.bind(exchange, routing_key=routing_key)
    finally:
        await connection.close()


async def _publish(amqp_url: str, topology: Topology, routing_key: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(topology.exchange)
        await exchange.publish(aio_pika.Message(b"{}"), routing_key=routing_key)
    finally:
        await connection.close()


def test_the_notice_types_are_retired_from_sms_svcs_own_queue_only() -> None:
    assert "event.notice.requested" in retired_bindings("sms-svc")
    assert all(retired_bindings(q) == () for q in ("order-svc", NOTICES_QUEUE))


async def test_an_upgraded_broker_stops_routing_notices_to_sms_svcs_own_queue(
    amqp_url: str, namespace: str
) -> None:
    topology = Topology(namespace)
    await _bind_as_before(amqp_url, topology)
    bus = Bus(url=amqp_url, namespace=namespace, service="order-svc")
    await bus.connect()
    try:
        for routing_key in retired_bindings("sms-svc"):
            await _publish(amqp_url, topology, routing_key)
        wanted = len(retired_bindings("sms-svc"))

        async def all_in_notices_queue() -> bool:
            return await depth(amqp_url, topology.queue(NOTICES_QUEUE)) == wanted

        await eventually(all_in_notices_queue, timeout=60, what="the notices in their queue")
        assert await depth(amqp_url, topology.queue("sms-svc")) == 0
    finally:
        await bus.close()
