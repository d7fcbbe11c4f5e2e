"""The notices' queue of their own: declared with the topology, bound to what a notice comes from
(not sms-svc's queue), consumed a batch at a time, and drained when sms-svc stops."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import pytest
from aftersales_shared.contracts import NOTICES_QUEUE, consumed_by, spec_for
from aftersales_shared.persistence import connect_mongo
from aftersales_testkit import depth, eventually
from sms_svc.domain.notice import Notice, notice_id
from sms_svc.ports import NoticeQuery, NoticeStore

from .conftest import StartSms
from .notices_kit import request_notice

pytestmark = pytest.mark.integration


def test_the_notices_queue_takes_what_a_notice_comes_from() -> None:
    types = {spec.type for spec in consumed_by(NOTICES_QUEUE)}
    assert "notice.requested" in types
    assert "serviceorder.auto_refunded" in types
    assert NOTICES_QUEUE in spec_for("notice.requested").consumers
    assert not {"notice.requested", "serviceorder.auto_refunded"} & {
        spec.type for spec in consumed_by("sms-svc")
    }, "sms.send never waits behind a burst of notices"


@dataclass
class HeldNotices:
    """The notices' store, holding each write until `gate` opens."""

    store: NoticeStore
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    entered: asyncio.Event = field(default_factory=asyncio.Event)

    async def insert_many(self, notices: list[Notice]) -> list[bool]:
        self.entered.set()
        await self.gate.wait()
        return await self.store.insert_many(notices)

    async def search(self, query: NoticeQuery) -> list[Notice]:
        return await self.store.search(query)


async def test_a_batch_in_the_store_when_sms_svc_stops_is_stored_and_acked(
    start_sms: StartSms, amqp_url: str, unique: str
) -> None:
    seller = f"s-{unique}"
    stack = contextlib.AsyncExitStack()
    sms = await stack.enter_async_context(start_sms())
    topology, db_name = sms.runtime.bus.topology, sms.runtime.db.name
    queue = topology.queue(NOTICES_QUEUE)
    assert queue in topology.all_queues()
    notices = sms.runtime_container().notices
    held = HeldNotices(notices.notices)
    notices.notices = held
    keys = [f"k{n}-{unique}" for n in range(5)]
    for key in keys:
        await request_notice(sms, seller, key)
    await asyncio.wait_for(held.entered.wait(), timeout=30)
    stopping = asyncio.ensure_future(stack.aclose())

    async def stopping_started() -> bool:
        return not sms.runtime.bus.ready

    await eventually(stopping_started, what="the stop under way")
    held.gate.set()
    await asyncio.wait_for(stopping, timeout=30)
    client = connect_mongo(sms.runtime.settings.mongo_url)
    try:
        found = await client[db_name]["notices"].find({"seller_id": {"$eq": seller}}).to_list()
    finally:
        await client.close()
    stored = {doc["_id"] for doc in found}
    left = await depth(amqp_url, queue)
    assert stored, "the batch in the store when the stop came was finished"
    assert stored <= {notice_id(key) for key in keys}
    assert len(stored) + left == len(keys), "each notice stored, or still on its queue"
