"""Events through the real broker: counted once, frozen at close, late afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.facts import Fact

from .conftest import Running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
WEEK = "2026-W40"
APPLIED = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W40


async def card(svc: Running, seller: str, week: str = WEEK) -> dict[str, Any]:
    res = await svc.client.get(f"/v1/sellers/{seller}/scorecard?week={week}", headers=QC)
    assert res.status_code == 200, res.text
    current: dict[str, Any] = res.json()["current"]
    return current


async def test_redelivered_events_count_once_and_a_closed_week_stays_frozen(
    svc: Running, unique: str
) -> None:
    seller = f"s-{unique}"
    audits = [
        order_event("audited", seller_id=seller, order_id=f"{unique}-{n}", applied_at=APPLIED,
                    audited_at=APPLIED + after)
        for n, after in enumerate([timedelta(hours=12), timedelta(hours=12, seconds=1),
                                   timedelta(hours=1)])
    ]  # fmt: skip
    again = order_event(  # the same audit published again under a new message id
        "audited", seller_id=seller, order_id=f"{unique}-0", applied_at=APPLIED,
        audited_at=APPLIED + timedelta(hours=12),
    )  # fmt: skip
    for message in [*audits, audits[0], audits[1], again]:
        await svc.publisher.publish(message)

    async def three_audits() -> dict[str, Any] | None:
        got = await card(svc, seller)
        audit = got["indicators"][1]
        return got if audit["denominator"] >= 3 else None

    got = await eventually(three_audits, what="three audits counted")
    assert got["indicators"][1] | {"name": None} == {
        "name": None, "value": "66.67", "target": "95.00", "passed": False,
        "numerator": 2, "denominator": 3, "weight": 30,
    }  # fmt: skip
    assert got["score"] == "66.67"
    assert got["status"] == "live"

    # watch the announcement of the closing
    connection = await aio_pika.connect(svc.runtime.settings.amqp_url)
    channel = await connection.channel()
    watch = await channel.declare_queue(exclusive=True)
    await watch.bind(svc.runtime.bus.topology.exchange, "event.metrics.week_closed")
    closer = svc.active.closer
    assert WEEK in await closer.tick()
    frozen = await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)
    assert frozen.json()["status"] == "closed"
    assert [(r["position"], r["seller_id"], r["score"]) for r in frozen.json()["items"]] == [
        (1, seller, "66.67")
    ]

    async def announced() -> aio_pika.abc.AbstractIncomingMessage | None:
        return await watch.get(fail=False, no_ack=True)

    message = await eventually(announced, what="metrics.week_closed published")
    assert b'"bottom10":["' + seller.encode() in message.body
    await connection.close()

    # a late rating and a late audit for the closed week: recorded, ranking unchanged
    late = [
        order_event("rated", seller_id=seller, order_id=f"{unique}-0", applied_at=APPLIED,
                    rating="VERY_DISSATISFIED", occurred_at=APPLIED + timedelta(days=2)),
        order_event("audited", seller_id=seller, order_id=f"{unique}-9", applied_at=APPLIED,
                    audited_at=APPLIED + timedelta(hours=2)),
    ]  # fmt: skip
    for message in late:
        await svc.publisher.publish(message)

    async def late_recorded() -> bool:
        res = await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)
        return bool(res.json()["late_facts"] == 2)

    await eventually(late_recorded, what="late facts recorded")
    after = await svc.client.get(f"/v1/weeks/{WEEK}/ranking", headers=QC)
    assert after.json()["items"] == frozen.json()["items"]
    assert (await card(svc, seller))["indicators"][0]["value"] is None


async def test_penalties_from_overdue_events(svc: Running, unique: str) -> None:
    seller = f"p-{unique}"
    for n in range(11):
        await svc.publisher.publish(
            order_event("audit_overdue", seller_id=seller, order_id=f"{unique}-a{n}",
                        applied_at=APPLIED)
        )  # fmt: skip
    received = APPLIED + timedelta(days=1)
    await svc.publisher.publish(
        order_event("process_overdue", seller_id=seller, order_id=f"{unique}-p",
                    applied_at=APPLIED, received_at=received)
    )  # fmt: skip
    await svc.publisher.publish(
        order_event("pre_compensated", seller_id=seller, order_id=f"{unique}-c",
                    applied_at=APPLIED, charged_to_seller="199.90")
    )  # fmt: skip

    async def lines() -> list[dict[str, Any]] | None:
        res = await svc.client.get(f"/v1/penalties?seller_id={seller}&week={WEEK}", headers=QC)
        found: list[dict[str, Any]] = res.json()["items"][0]["lines"]
        return found if sum(x["orders"] for x in found) == 13 else None

    got = await eventually(lines, what="penalty lines")
    assert [(x["rule"], x["orders"], x["units"], x["amount"]) for x in got] == [
        ("UNAUDITED_12H", 11, 1, "2000.00"),
        ("UNPROCESSED_48H", 1, 1, "2000.00"),
        ("PRE_COMPENSATION", 1, 1, "199.90"),
    ]
    assert f"{unique}-a10" in got[0]["order_ids"]


async def test_an_invalid_event_is_dead_lettered_and_the_rest_of_its_batch_counts(
    svc: Running, unique: str
) -> None:
    seller = f"d-{unique}"
    good = order_event(
        "audited", seller_id=seller, order_id=f"{unique}-ok", applied_at=APPLIED,
        audited_at=APPLIED + timedelta(hours=1),
    )  # fmt: skip
    bad = good.model_copy(update={"id": f"bad-{unique}", "payload": {"order_id": "x"}})
    await svc.publisher.publish(bad)
    await svc.publisher.publish(good)

    async def counted() -> bool:
        return bool((await card(svc, seller))["indicators"][1]["denominator"] == 1)

    await eventually(counted, what="the valid event counted")
    connection = await aio_pika.connect(svc.runtime.settings.amqp_url)
    channel = await connection.channel()
    dlq = await channel.get_queue(svc.runtime.bus.topology.dead_letter_queue("metrics-svc"))

    async def dead() -> aio_pika.abc.AbstractIncomingMessage | None:
        return await dlq.get(fail=False, no_ack=True)

    message = await eventually(dead, what="the invalid event dead-lettered")
    assert message.message_id == f"bad-{unique}"
    reason = str(message.headers["x-failure-reason"])
    assert reason.startswith("invalid message")
    assert "for ServiceOrderEvent" in reason
    await connection.close()


async def test_a_receipt_carried_by_two_events_counts_once_and_is_stored_once(
    svc: Running, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seller, order = f"r-{unique}", f"{unique}-r"
    store = svc.container.store
    insert = store.insert_new
    sent: list[str] = []

    async def spy(facts: list[Fact], *, late_weeks: set[str], q: int) -> list[Fact]:
        sent.extend(f.key for f in facts)
        new: list[Fact] = await insert(facts, late_weeks=late_weeks, q=q)
        return new

    monkeypatch.setattr(store, "insert_new", spy)
    received = APPLIED + timedelta(days=1)
    fields: dict[str, Any] = {"seller_id": seller, "order_id": order, "applied_at": APPLIED}
    await svc.publisher.publish(order_event("received", **fields, received_at=received))

    async def process_indicator() -> tuple[int, int]:
        process = (await card(svc, seller))["indicators"][2]
        return process["numerator"], process["denominator"]

    async def received_counted() -> bool:
        return await process_indicator() == (0, 1)

    await eventually(received_counted, what="the receipt counted")
    processed_at = received + timedelta(hours=2)
    await svc.publisher.publish(
        order_event("processed", **fields, received_at=received, processed_at=processed_at)
    )

    async def processed_counted() -> bool:
        return await process_indicator() == (1, 1)

    await eventually(processed_counted, what="the processing counted, the receipt once")
    assert sent.count(f"receipt:{order}") == 1  # the second one was known to be a duplicate
    assert sent.count(f"process:{order}") == 1


async def test_after_a_reconnect_the_consumer_takes_deliveries_again(
    svc: Running, unique: str
) -> None:
    seller = f"c-{unique}"

    async def audits(n: int) -> bool:
        return bool((await card(svc, seller))["indicators"][1]["denominator"] == n)

    first = order_event("audited", seller_id=seller, order_id=f"{unique}-1", applied_at=APPLIED,
                        audited_at=APPLIED + timedelta(hours=1))  # fmt: skip
    await svc.publisher.publish(first)
    await eventually(lambda: audits(1), what="the first audit counted")
    connection = svc.runtime.bus._connection
    assert connection is not None
    await connection.reconnect()  # the connection is lost and made again
    second = order_event("audited", seller_id=seller, order_id=f"{unique}-2", applied_at=APPLIED,
                         audited_at=APPLIED + timedelta(hours=1))  # fmt: skip
    await svc.publisher.publish(second)
    await eventually(lambda: audits(2), what="the audit published after the reconnect counted")
