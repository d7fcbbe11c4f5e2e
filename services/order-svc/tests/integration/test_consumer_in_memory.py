"""order-svc's consumer and use cases driven through the in-memory bus (no RabbitMQ): firings and
rulings as other services send them, the messages the relay publishes, and what is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from aftersales_shared.auth import Principal, Role
from aftersales_shared.clock import SystemClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import ArbitrationRuled, TimerFired
from aftersales_shared.errors import Invalid
from aftersales_shared.messaging import Delivery
from aftersales_shared.persistence import Doc, OutboxRelay, VersionedCollection
from aftersales_testkit import MemoryBroker, MemoryBus, MemoryInbox, eventually
from order_builders import application
from order_svc.adapters.mongo import MongoAttachments, MongoOrders, MongoSellers
from order_svc.domain import commands as c
from order_svc.domain.model import AuditResult, Cmd, Status
from order_svc.domain.order import ServiceOrder
from order_svc.domain.seller import Seller
from order_svc.entrypoints.consumer import message_router
from order_svc.handlers import OrderService, SellerService, SystemService
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration
SELLER = "seller-a"
CUSTOMER = Principal(sub="cust-1", role=Role.CUSTOMER)
BOSS = Principal(sub="boss", role=Role.SELLER_ADMIN, seller_id=SELLER)
PLATFORM = Principal(sub="agent-1", role=Role.PLATFORM_AGENT)


@dataclass
class World:
    broker: MemoryBroker
    peer: MemoryBus
    """A bus of another service (timer-svc), to send what order-svc consumes."""
    orders: OrderService
    mongo_orders: MongoOrders
    relay: OutboxRelay
    """Publishes order-svc's stored messages when a test asks (`published`), not by itself."""

    async def send(self, message_type: str, payload: Any) -> Envelope:
        message = envelope(
            type=message_type, payload=payload, occurred_at=datetime.now(UTC), seller_id=SELLER
        )
        await self.peer.publish(message)
        return message

    async def order(self, order_id: str) -> ServiceOrder:
        found = await self.mongo_orders.get(order_id)
        assert found is not None
        return found[0]

    async def published(self, service: str, want: Callable[[Delivery], bool]) -> Delivery:
        """The first message in `service`'s queue that `want` picks (the others are dropped)."""
        seen: list[Delivery] = []

        async def probe() -> Delivery | None:
            await self.relay.drain_once()
            seen.extend(self.broker.drain(f"{self.broker.topology.namespace}.{service}"))
            return next((d for d in seen if want(d)), None)

        found: Delivery = await eventually(probe, timeout=30, what=f"a message to {service}")
        return found

    def dead_letters(self) -> list[Delivery]:
        return self.broker.drain(self.broker.topology.dead_letter_queue("order-svc"))


@pytest.fixture
async def world(db: AsyncDatabase[Doc], unique: str) -> AsyncIterator[World]:
    broker = MemoryBroker(f"mem-{unique}")
    bus = MemoryBus(broker, service="order-svc", max_retries=2, retry_delay_ms=50)
    peer = MemoryBus(broker, service="timer-svc")
    await bus.connect()
    await peer.connect()
    relay = OutboxRelay(bus)
    versioned = []
    for name in ("service_orders", "sellers"):
        relay.add(db[name])
        versioned.append(VersionedCollection(db[name], on_write=relay.written))
    mongo_orders, sellers = MongoOrders(versioned[0]), MongoSellers(versioned[1])
    await mongo_orders.ensure_indexes()
    clock = SystemClock()
    await SellerService(sellers=sellers, clock=clock).create(
        PLATFORM,
        Seller(
            seller_id=SELLER,
            name="Shop",
            cooperation_mode="SOP",
            aftersales_contact_phone="13900000000",
        ),
    )
    system = SystemService(orders=mongo_orders, sellers=sellers, clock=clock)
    await bus.consume(message_router(system), inbox=MemoryInbox())
    orders = OrderService(
        orders=mongo_orders,
        sellers=sellers,
        attachments=MongoAttachments(db["attachments"]),
        clock=clock,
    )
    yield World(broker=broker, peer=peer, orders=orders, mongo_orders=mongo_orders, relay=relay)
    await bus.close()
    await peer.close()


def fired(order_id: str, kind: str, deadline_id: str) -> TimerFired:
    now = datetime.now(UTC)
    return TimerFired(
        deadline_id=deadline_id,
        kind=kind,  # type: ignore[arg-type]
        order_id=order_id,
        due_at=now,
        fired_at=now,
    )


async def test_a_fired_deadline_acts_once_and_its_messages_go_out(world: World) -> None:
    o = await world.orders.apply(CUSTOMER, application(seller_id=SELLER, paid_amount=Decimal(199)))
    slot = f"{o.id}:PRE_COMPENSATION@v1"
    await world.send("timer.fired", fired(o.id, "PRE_COMPENSATION", slot))
    await world.send("timer.fired", fired(o.id, "PRE_COMPENSATION", slot))

    async def compensated() -> ServiceOrder | None:
        order = await world.order(o.id)
        return order if order.status is Status.PROVISIONALLY_DONE else None

    order = await eventually(compensated, timeout=30, what="pre-compensation applied")
    sms = await world.published("sms-svc", lambda d: d.type == "sms.send")
    assert b"PRE_COMPENSATED" in sms.body
    event = await world.published("metrics-svc", lambda d: d.type == "serviceorder.pre_compensated")
    assert event.message_id == f"{o.id}.v{order.version}.pre_compensated"
    await world.send("timer.fired", fired(o.id, "PRE_COMPENSATION", f"{o.id}:NOT_ARMED"))
    await world.send("timer.fired", fired(o.id, "PRE_COMPENSATION", slot))

    async def all_handled() -> bool:
        return world.broker.depth(world.broker.topology.queue("order-svc")) == 0

    await eventually(all_handled, timeout=30, what="the repeats handled")
    commands = [h.command for h in (await world.order(o.id)).history]
    assert commands.count("PRE_COMPENSATE") == 1
    assert world.dead_letters() == []


async def test_a_malformed_firing_is_dead_lettered_at_once_and_changes_nothing(
    world: World,
) -> None:
    o = await world.orders.apply(CUSTOMER, application(seller_id=SELLER))
    good = envelope(
        type="timer.fired",
        payload=fired(o.id, "PRE_COMPENSATION", f"{o.id}:PRE_COMPENSATION@v1"),
        occurred_at=datetime.now(UTC),
        seller_id=SELLER,
    )
    bad = good.model_copy(update={"payload": {**good.payload, "kind": "NO_SUCH_KIND"}})
    await world.peer.publish(bad)
    [dead] = await eventually(
        lambda: _some(world.dead_letters()), timeout=30, what="the firing dead-lettered"
    )
    assert dead.message_id == bad.id
    assert "x-attempts" not in dead.headers, "no retry before the dead-letter queue"
    assert "validation error" in str(dead.headers["x-failure-reason"])
    assert (await world.order(o.id)).version == 1, "the order did not change"


async def test_a_ruling_for_an_unknown_order_is_dead_lettered_without_retries(
    world: World,
) -> None:
    ruling = ArbitrationRuled(
        case_id="c1", order_id="no-such-order", outcome="REFUND", note="n", ruled_by="agent-1"
    )
    message = await world.send("arbitration.ruled", ruling)
    [dead] = await eventually(
        lambda: _some(world.dead_letters()), timeout=30, what="the ruling dead-lettered"
    )
    assert dead.message_id == message.id
    assert "x-attempts" not in dead.headers
    assert "not found" in str(dead.headers["x-failure-reason"])


async def test_the_service_layer_refuses_a_batch_audit_the_domain_does_not_allow(
    world: World,
) -> None:
    o = await world.orders.apply(CUSTOMER, application(seller_id=SELLER))
    await world.orders.command(BOSS, o.id, lambda _a: (Cmd.CLAIM, None), correlation_id=None)
    approve = c.Audit(result=AuditResult.APPROVE_RETURN)
    with pytest.raises(Invalid, match="a batch audit may only"):
        await world.orders.batch_audit(BOSS, [o.id], approve, correlation_id=None)
    assert (await world.order(o.id)).status is Status.PENDING_AUDIT
    reject = c.Audit(result=AuditResult.REJECT, opinion="not covered")
    [result] = await world.orders.batch_audit(BOSS, [o.id], reject, correlation_id=None)
    assert result["ok"] is True, result


async def _some(items: list[Delivery]) -> list[Delivery] | None:
    return items or None
