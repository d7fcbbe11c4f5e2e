"""Bounded orders: the document keeps a tail, the rest is stored apart and paged by /history;
a customer's messages are capped per day; orders of the old shape keep working."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aftersales_shared.errors import ConcurrencyConflict
from aftersales_shared.persistence import VersionedCollection
from api_support import Api
from order_svc.adapters.migrate import migrate_history
from order_svc.adapters.mongo import MongoOrders
from order_svc.config import Settings
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import execute
from order_svc.domain.model import Cmd
from order_svc.handlers.replay import applied, made_by
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration
TAIL, CAP = 5, 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A tail of 5, a cap of 3 messages a day, and no write cache (documents are edited here)."""
    changes = {"order_history_tail": TAIL, "customer_messages_per_day": CAP, "order_cache_size": 0}
    return settings.model_copy(update=changes)


async def done(api: Api) -> dict[str, Any]:
    """An order processed (RETURN_ORIGINAL): PROVISIONALLY_DONE, the customer may write."""
    o = await api.received()
    body = {"outcome": "RETURN_ORIGINAL", "remark": "kept"}
    return await api.do(o["id"], "process", api.staff("both"), body)


async def every_entry(api: Api, order_id: str, *, limit: int = 37) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await api.client.get(
            f"/v1/service-orders/{order_id}/history", params=params, headers=api.boss
        )
        assert r.status_code == 200, r.text
        page = r.json()
        entries += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return entries


async def test_an_order_with_thousands_of_entries_stays_small_and_pages_whole(
    api: Api, settings: Settings, mongo_client: AsyncMongoClient
) -> None:
    await api.setup_seller()
    o = await done(api)
    await api.do(o["id"], "messages", api.me, {"text": "still broken"})  # → UNRESOLVED
    replies = 1_500
    for i in range(replies):
        await api.do(o["id"], "messages", api.staff("both"), {"text": f"reply {i} " + "x" * 150})
    view = await api.get(o["id"])
    total = 7 + replies
    assert [h["detail"] for h in view["history"]][-1].startswith(f"reply {replies - 1} ")
    assert len(view["history"]) == TAIL
    assert view["history_start"] == total - TAIL
    assert len(view["messages"]) == TAIL
    assert view["messages_start"] == replies + 1 - TAIL
    assert len(json.dumps(view)) < 16 * 1024
    stored = await mongo_client[settings.mongo_db]["service_orders"].find_one({"_id": o["id"]})
    assert stored is not None
    assert len(stored["history"]) <= 2 * TAIL
    entries = await every_entry(api, o["id"])
    assert [e["seq"] for e in entries] == list(range(1, total + 1))
    head = ["APPLY", "CLAIM", "AUDIT_APPROVE_RETURN", "RECORD_SHIPMENT", "REGISTER_RECEIPT"]
    assert [e["command"] for e in entries] == [
        *head,
        "PROCESS_RETURN_ORIGINAL",
        "LEAVE_MESSAGE",
        *["REPLY"] * replies,
    ]
    assert [e["detail"] for e in entries[7:]] == [f"reply {i} " + "x" * 150 for i in range(replies)]
    assert all("request" not in e for e in entries)
    # every command still works on it
    await api.do(o["id"], "messages", api.me, {"text": "one more"})
    resolved = await api.do(o["id"], "resolve", api.boss, {})
    assert resolved["status"] == "COMPLETED", resolved
    rated = await api.do(o["id"], "rating", api.me, {"rating": "SATISFIED"})
    assert [h["command"] for h in rated["history"]][-3:] == [
        "LEAVE_MESSAGE",
        "MARK_RESOLVED",
        "RATE",
    ]
    assert [e["seq"] for e in await every_entry(api, o["id"], limit=200)] == list(
        range(1, total + 4)
    )


async def test_a_keyed_change_is_found_after_it_left_the_tail(
    api: Api, settings: Settings, mongo_client: AsyncMongoClient
) -> None:
    await api.setup_seller()
    o = await done(api)
    await api.do(o["id"], "messages", api.me, {"text": "hello"})
    keyed = {**api.boss, "Idempotency-Key": f"k-{api.unique}"}
    r = await api.client.post(
        f"/v1/service-orders/{o['id']}/messages", json={"text": "keyed"}, headers=keyed
    )
    assert r.status_code == 200, r.text
    for i in range(4 * TAIL):
        await api.do(o["id"], "messages", api.boss, {"text": f"r{i}"})
    db = mongo_client[settings.mongo_db]
    apart = await db["order_history"].find_one({"order_id": o["id"], "detail": "keyed"})
    assert apart is not None
    assert apart["request"] is not None
    orders = MongoOrders(VersionedCollection(db["service_orders"]), keep=TAIL)
    found = await orders.get(o["id"])
    assert found is not None
    assert not made_by(found[0], apart["request"])  # not in the tail any more
    assert await applied(orders, found[0], apart["request"])
    assert not await applied(orders, found[0], "another-slot")


async def test_the_entry_of_a_write_that_lost_its_compare_and_set_is_never_shown(
    api: Api, settings: Settings, mongo_client: AsyncMongoClient
) -> None:
    await api.setup_seller()
    o = await done(api)
    await api.do(o["id"], "messages", api.me, {"text": "hello"})
    for i in range(2 * TAIL - 8):  # the tail is full: the next write cuts it
        await api.do(o["id"], "messages", api.boss, {"text": f"r{i}"})
    orders = MongoOrders(VersionedCollection(mongo_client[settings.mongo_db]["service_orders"]))
    found = await orders.get(o["id"])
    assert found is not None
    order, current = found
    boss = Actor.main(f"boss-{api.unique}", api.seller)
    winner, loser = (
        execute(order, Cmd.REPLY, actor=boss, now=order.history[-1].at, payload=c.Message(text=t))
        for t in ("the winner", "the loser")
    )
    await orders.save(current, winner.order, ())
    with pytest.raises(ConcurrencyConflict):
        await orders.save(current, loser.order, ())
    view = await api.get(o["id"])
    entries = await every_entry(api, o["id"], limit=3)
    for shown in (view["history"], entries):
        details = [h["detail"] for h in shown]
        assert "the winner" in details
        assert "the loser" not in details
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert "the loser" not in {m["text"] for m in view["messages"]}
    apart = await mongo_client[settings.mongo_db]["order_history"].find({}).to_list()
    assert "the loser" not in {d["detail"] for d in apart}


async def test_a_customers_messages_are_capped_per_day_and_replies_are_not(api: Api) -> None:
    await api.setup_seller()
    o = await done(api)
    for i in range(CAP):
        await api.do(o["id"], "messages", api.me, {"text": f"m{i}"})
    before = await api.get(o["id"])
    r = await api.client.post(
        f"/v1/service-orders/{o['id']}/messages", json={"text": "too many"}, headers=api.me
    )
    assert r.status_code == 429, r.text
    error = r.json()["error"]
    assert error["code"] == "too_many_requests"
    assert f"at most {CAP} messages" in error["message"]
    assert await api.get(o["id"]) == before
    reply = await api.do(o["id"], "messages", api.boss, {"text": "we are on it"})
    assert reply["messages"][-1]["text"] == "we are on it"
    assert reply["version"] == before["version"] + 1


def old_shape(doc: dict[str, Any], extra: int) -> dict[str, Any]:
    """The document as stored before bounded orders: `extra` more entries and messages inside."""
    old = {k: v for k, v in doc.items() if k not in ("history_start", "messages_start")}
    old.pop("customer_messages", None)
    last, note = doc["history"][-1], doc["messages"][-1]
    old["history"] = doc["history"] + [
        last | {"detail": f"old {i}", "command": "REPLY"} for i in range(extra)
    ]
    old["messages"] = doc["messages"] + [note | {"text": f"old {i}"} for i in range(extra)]
    return old


async def test_orders_of_the_old_shape_read_write_and_migrate(
    api: Api, settings: Settings, mongo_client: AsyncMongoClient
) -> None:
    await api.setup_seller()
    c_ = mongo_client[settings.mongo_db]["service_orders"]
    ids = []
    for _ in range(2):
        o = await done(api)
        await api.do(o["id"], "messages", api.me, {"text": "hello"})
        stored = await c_.find_one({"_id": o["id"]})
        assert stored is not None
        await c_.replace_one({"_id": o["id"]}, old_shape(stored, 40))
        ids.append(o["id"])
    total = 7 + 40
    for order_id in ids:
        view = await api.get(order_id)
        assert len(view["history"]) == TAIL
        assert view["history"][-1]["detail"] == "old 39"
        entries = await every_entry(api, order_id, limit=10)
        assert [e["seq"] for e in entries] == list(range(1, total + 1))
    first, second = ids
    written = await api.do(first, "messages", api.boss, {"text": "after the move"})
    assert written["history"][-1]["detail"] == "after the move"
    orders = MongoOrders(VersionedCollection(c_), keep=TAIL)
    assert await migrate_history(orders) == 1  # the second; the first moved on its write
    assert await migrate_history(orders) == 0
    for order_id, n in ((first, total + 1), (second, total)):
        stored = await c_.find_one({"_id": order_id})
        assert stored is not None
        assert len(stored["history"]) == TAIL
        assert len(stored["messages"]) == TAIL
        entries = await every_entry(api, order_id, limit=10)
        assert [e["seq"] for e in entries] == list(range(1, n + 1))
        assert [e["detail"] for e in entries[7:47]] == [f"old {i}" for i in range(40)]
