"""The seller's notices through the real broker: closing a week publishes `notice.requested`,
BOTTOM10_WARNING for the second week running in the Bottom-10 and FINED with the amount and the
orders, once per seller and week, however often the week is closed, its events delivered, or
metrics-svc restarted."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.registry import spec_for
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.config import Settings
from metrics_svc.domain.weeks import shift_week, week_end
from pymongo import AsyncMongoClient

from .conftest import Running, running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
W36, W37, W38 = "2026-W36", "2026-W37", "2026-W38"  # past weeks: a tick closes them
MONDAY = datetime(2026, 8, 31, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, the first day of W36


def day(week: int, days: int = 1) -> datetime:
    """A time in the week `week` weeks after W36 (Tuesday 10:00 Shanghai by default)."""
    return MONDAY + timedelta(weeks=week, days=days)


def audited(seller: str, order: str, week: int) -> Envelope:
    return order_event("audited", seller_id=seller, order_id=order, applied_at=day(week),
                       audited_at=day(week) + timedelta(hours=1))  # fmt: skip


def unaudited(seller: str, order: str, week: int) -> Envelope:
    return order_event("audit_overdue", seller_id=seller, order_id=order, applied_at=day(week))


def unprocessed(seller: str, order: str, week: int) -> Envelope:
    return order_event("process_overdue", seller_id=seller, order_id=order, applied_at=day(week),
                       received_at=day(week))  # fmt: skip


class Watch:
    """A queue of this test's own, bound to the notices and the closings."""

    def __init__(self, queue: aio_pika.abc.AbstractQueue) -> None:
        self.queue, self.seen = queue, list[dict[str, Any]]()

    @classmethod
    async def bind(cls, channel: aio_pika.abc.AbstractChannel, svc: Running) -> Watch:
        queue = await channel.declare_queue(exclusive=True)
        for kind in ("notice.requested", "metrics.week_closed"):
            await queue.bind(svc.runtime.bus.topology.exchange, spec_for(kind).routing_key)
        return cls(queue)

    async def until(self, *wanted: tuple[str, str]) -> None:
        """Take messages until each (type, key) wanted has come (a notice's key, a week)."""

        async def arrived() -> bool:
            while (message := await self.queue.get(fail=False, no_ack=True)) is not None:
                self.seen.append(json.loads(message.body))
            return set(wanted) <= {key(m) for m in self.seen}

        await eventually(arrived, what=f"{wanted} published")

    def notices(self) -> list[dict[str, Any]]:
        return [m for m in self.seen if m["type"] == "notice.requested"]


def key(message: dict[str, Any]) -> tuple[str, str]:
    payload = message["payload"]
    return message["type"], payload.get("notice_key") or payload.get("week")


async def ingested(svc: Running, seller: str, week: str, *, orders: int, total: str) -> None:
    """The seller's overdue orders of the week are all in, and cost `total`."""

    async def there() -> bool:
        res = await svc.client.get(f"/v1/penalties?seller_id={seller}&week={week}", headers=QC)
        item = res.json()["items"][0]
        return sum(x["orders"] for x in item["lines"]) == orders and item["total"] == total

    await eventually(there, what=f"{seller}'s penalties of {week}")


async def scored(svc: Running, seller: str, week: str) -> None:
    async def there() -> bool:
        res = await svc.client.get(f"/v1/sellers/{seller}/scorecard?week={week}", headers=QC)
        return res.json()["current"]["score"] is not None

    await eventually(there, what=f"{seller} scored in {week}")


async def marked_sent(settings: Settings, *weeks: str) -> None:
    """Every message of the weeks' closings is published and marked sent (so a restart has
    nothing left to publish again)."""
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    closings = mongo[settings.mongo_db]["closed_weeks"]

    async def sent() -> bool:
        docs = await closings.find({"_id": {"$in": list(weeks)}}).to_list()
        return len(docs) == len(weeks) and not any(d.get("_outbox_pending") for d in docs)

    try:
        await eventually(sent, what=f"the closings of {weeks} marked sent")
    finally:
        await mongo.close()


async def test_a_closed_week_asks_for_each_notice_once_after_a_repeat_and_a_restart(
    settings: Settings, unique: str
) -> None:
    warned, fined, neither = f"w-{unique}", f"f-{unique}", f"n-{unique}"
    events = [audited(warned, f"{unique}-a{w}", w) for w in (0, 1)]
    events += [unaudited(fined, f"{unique}-u{n}", 1) for n in range(10)]
    events.append(unprocessed(fined, f"{unique}-p1", 1))
    events.append(audited(neither, f"{unique}-n1", 1))  # one week in the Bottom-10: no warning
    events += [unaudited(neither, f"{unique}-v{n}", 1) for n in range(9)]  # 9: no fine
    later = [audited(warned, f"{unique}-a2", 2), unprocessed(fined, f"{unique}-p2", 2)]
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        channel = await connection.channel()
        async with running(settings) as svc:
            watch = await Watch.bind(channel, svc)
            for message in [*events, *events]:  # every event delivered twice
                await svc.publisher.publish(message)
            await ingested(svc, fined, W37, orders=11, total="4000.00")
            await ingested(svc, neither, W37, orders=9, total="0.00")
            for seller, week in ((warned, W36), (warned, W37), (neither, W37)):
                await scored(svc, seller, week)
            closer = svc.active.closer
            assert await closer.tick() == [W36, W37]
            assert await closer.tick() == []
            await closer.close(W37)  # closed again: nothing more
            await watch.until(("metrics.week_closed", W37), ("notice.requested",
                              f"BOTTOM10_WARNING:{warned}:{W37}"),
                              ("notice.requested", f"FINED:{fined}:{W37}"))  # fmt: skip
            await marked_sent(settings, W36, W37)

        async with running(settings) as svc:  # a restart; the events again, and a third week
            for message in [*events, *later]:
                await svc.publisher.publish(message)
            await ingested(svc, fined, W38, orders=1, total="2000.00")
            await scored(svc, warned, W38)
            assert await svc.active.closer.tick() == [W38]
            await watch.until(("metrics.week_closed", W38),
                              ("notice.requested", f"FINED:{fined}:{W38}"))  # fmt: skip
    finally:
        await connection.close()

    notices = watch.notices()
    assert Counter(m["id"] for m in notices) == {
        f"notice.requested:BOTTOM10_WARNING:{warned}:{W37}": 1,
        f"notice.requested:FINED:{fined}:{W37}": 1,
        f"notice.requested:FINED:{fined}:{W38}": 1,
    }  # none in W36 (a first week), none for `neither`, none in W38 for `warned` (it escalates)
    by_key = {m["payload"]["notice_key"]: m["payload"] for m in notices}
    warning = by_key[f"BOTTOM10_WARNING:{warned}:{W37}"]
    assert (warning["seller_id"], warning["kind"], warning["week"], warning["streak"]) == (
        warned, "BOTTOM10_WARNING", W37, 2
    )  # fmt: skip
    assert warning["due_at"] == week_end(shift_week(W37, 1)).isoformat().replace("+00:00", "Z")
    fine = by_key[f"FINED:{fined}:{W37}"]
    assert (fine["seller_id"], fine["kind"], fine["week"], fine["amount"]) == (
        fined, "FINED", W37, "4000.00"
    )  # fmt: skip
    assert sorted(fine["order_ids"]) == sorted(
        [f"{unique}-p1", *(f"{unique}-u{n}" for n in range(10))]
    )
    again = by_key[f"FINED:{fined}:{W38}"]
    assert (again["amount"], again["order_ids"]) == ("2000.00", [f"{unique}-p2"])
    assert all(m["seller_id"] == m["payload"]["seller_id"] for m in notices)
