"""The order facts a process stored or read are answered from its memory (facts never change);
an absent order_no and the claims on an order's lines are read from the store every time."""

from __future__ import annotations

from datetime import UTC, datetime

from aftersales_shared.persistence import Doc
from order_svc.adapters.order_facts import MongoOrderFacts
from order_svc.domain.order_facts import FactLine, OrderFacts
from pymongo.asynchronous.database import AsyncDatabase


def facts(order_no: str) -> OrderFacts:
    at = datetime(2026, 11, 20, tzinfo=UTC)
    return OrderFacts(
        order_no=order_no,
        seller_id="s-1",
        customer_id="c-1",
        customer_tier="REGULAR",
        paid_at=at,
        lines=[FactLine(sku="SKU-1", quantity=2, paid_fen=19900)],
        placed_at=at,
    )


def adapter(db: AsyncDatabase[Doc], **kw: int) -> MongoOrderFacts:
    return MongoOrderFacts(db["order_facts"], db["service_orders"], **kw)


async def test_facts_stored_or_read_here_are_answered_from_memory(
    db: AsyncDatabase[Doc],
) -> None:
    writer, reader, other = adapter(db), adapter(db), adapter(db)
    assert await writer.add(facts("JD-1"))
    assert await reader.get("JD-1") == facts("JD-1")  # read from the store, remembered
    await db["order_facts"].delete_one({"_id": "JD-1"})  # behind their backs: only memory has it
    assert await writer.get("JD-1") == facts("JD-1")
    assert await reader.get("JD-1") == facts("JD-1")
    assert await other.get("JD-1") is None  # a process that never saw them reads the store


async def test_an_absent_order_no_is_read_again_and_memory_can_be_off(
    db: AsyncDatabase[Doc],
) -> None:
    reader, writer, uncached = adapter(db), adapter(db), adapter(db, cache_size=0)
    assert await reader.get("JD-2") is None
    assert await writer.add(facts("JD-2"))  # another process records the order meanwhile
    assert await reader.get("JD-2") == facts("JD-2")
    assert await uncached.get("JD-2") == facts("JD-2")
    await db["order_facts"].delete_one({"_id": "JD-2"})
    assert await uncached.get("JD-2") is None


async def test_claims_are_read_from_the_orders_every_time(db: AsyncDatabase[Doc]) -> None:
    store = adapter(db)
    assert await store.add(facts("JD-3"))
    assert await store.claims("JD-3") == []
    order = {"order_no": "JD-3", "status": "PENDING_CLAIM", "sku": "SKU-1", "quantity": 1}
    await db["service_orders"].insert_one({"_id": "o-1", **order, "paid_fen": 9950})
    claims = await store.claims("JD-3")
    assert [(c.sku, c.quantity, c.paid_fen) for c in claims] == [("SKU-1", 1, 9950)]
