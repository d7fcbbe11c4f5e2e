"""The ledger through the real broker: every movement once after redeliveries and a restart,
fines booked when a week closes, statements and CSV, tenancy, reconciliation of a tampered
entry."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aftersales_shared.clock import VirtualClock
from aftersales_shared.contracts import Envelope
from aftersales_testkit import TEST_SECRET, bearer, eventually
from aftersales_testkit.order_events import money_movement, order_event
from metrics_svc.config import Settings
from metrics_svc.domain.weeks import week_end
from metrics_svc.entrypoints import cli
from pymongo import AsyncMongoClient

from .conftest import Running, running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
AGENT = bearer("platform_agent")
WEEK, MONTH = "2026-W45", "2026-11"  # Nov 2-8 2026: its fines belong to November
APPLIED = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


def lifecycle(seller: str, unique: str) -> list[Envelope]:
    """Events carrying one movement of every kind (two freight refunds), and the overdue
    orders behind the fines: ten unaudited (one unit) and one unprocessed for 48 hours."""
    o, at = f"{unique}-o", APPLIED + timedelta(days=1)

    def moved(kind: str, order: str, version: int, **movement: Any) -> Envelope:
        m = money_movement(order, kind, movement.pop("amount", "10.00"), at=at, version=version,
                           **movement)  # fmt: skip
        return order_event("processed", seller_id=seller, order_id=order, applied_at=APPLIED,
                           order_version=version, movements=(m,))  # fmt: skip

    events = [
        order_event(
            "processed",
            seller_id=seller,
            order_id=f"{o}1",
            applied_at=APPLIED,
            order_version=4,
            movements=(
                money_movement(f"{o}1", "REFUND", "199.99", at=at, version=4),
                money_movement(f"{o}1", "FREIGHT_REFUND", "12.00", at=at, version=4),
            ),
        ),
        moved("AUTO_REFUND", f"{o}2", 3, amount="0.01"),
        moved("FREIGHT_REFUND", f"{o}3", 5, payer="PLATFORM", amount="8.50"),
        moved("PRE_COMPENSATION", f"{o}4", 2, amount="77.70"),
        moved("PRE_COMPENSATION", f"{o}5", 2, payer="PLATFORM", amount="5.00"),
        moved("OUTBOUND_FREIGHT", f"{o}6", 6, amount="15.00"),
    ]
    events += [
        order_event("audit_overdue", seller_id=seller, order_id=f"{unique}-a{n}",
                    applied_at=APPLIED)
        for n in range(10)
    ]  # fmt: skip
    events.append(
        order_event(
            "process_overdue",
            seller_id=seller,
            order_id=f"{unique}-p",
            applied_at=APPLIED,
            received_at=APPLIED + timedelta(hours=6),
        )
    )
    return events  # fmt: skip


async def entries(svc: Running, query: str, headers: dict[str, str] = QC) -> list[dict[str, Any]]:
    """Every page of /v1/ledger for a query."""
    found: list[dict[str, Any]] = []
    params = dict(parse_qsl(query)) | {"limit": "3"}
    while True:
        res = await svc.client.get("/v1/ledger", params=params, headers=headers)
        assert res.status_code == 200, res.text
        body = res.json()
        found += body["items"]
        if body["next_cursor"] is None:
            return found
        params["cursor"] = body["next_cursor"]


async def settle(svc: Running, seller: str, n: int, marker: Envelope) -> list[dict[str, Any]]:
    """Publish a marker movement and wait until it is in; everything before it is then in."""
    await svc.publisher.publish(marker)

    async def arrived() -> list[dict[str, Any]] | None:
        got = await entries(svc, f"seller_id={seller}")
        return got if len(got) >= n else None

    return await eventually(arrived, what=f"{n} ledger entries")


def marker(seller: str, n: int) -> Envelope:
    m = money_movement(f"marker-{n}", "REFUND", "1.00", at=APPLIED + timedelta(days=2))
    return order_event("processed", seller_id=seller, order_id=f"marker-{n}", applied_at=APPLIED,
                       movements=(m,))  # fmt: skip


async def close_week(svc: Running) -> None:
    clock = svc.runtime.clock
    assert isinstance(clock, VirtualClock)
    if clock.now() < week_end(WEEK):
        clock.advance((week_end(WEEK) - clock.now()).total_seconds() + 60)
    assert WEEK in await svc.active.closer.tick()


async def test_every_movement_once_after_redeliveries_and_a_restart(
    settings: Settings, unique: str
) -> None:
    seller = f"l-{unique}"
    events = lifecycle(seller, unique)
    async with running(settings) as svc:
        for message in [*events, *events]:  # each delivered twice under the same message id
            await svc.publisher.publish(message)
        await settle(svc, seller, 8, marker(seller, 1))
        await close_week(svc)
        first = await entries(svc, f"seller_id={seller}&month={MONTH}")
    kinds = sorted(e["kind"] for e in first)
    assert kinds == sorted(  # the marker's REFUND, and one of every movement and fine
        ["REFUND", "REFUND", "FREIGHT_REFUND", "FREIGHT_REFUND", "AUTO_REFUND",
         "PRE_COMPENSATION", "PRE_COMPENSATION", "OUTBOUND_FREIGHT", "FINE", "FINE"]
    )  # fmt: skip
    assert len({e["id"] for e in first}) == len(first)
    fines = {e["id"]: e for e in first if e["kind"] == "FINE"}
    assert sorted(e["amount"] for e in fines.values()) == ["2000.00", "2000.00"]

    async with running(settings) as svc:  # a restart, then every event again (new ids too)
        again = [order_event(m.type.removeprefix("serviceorder."), seller_id=seller,
                             applied_at=APPLIED, **{k: v for k, v in m.payload.items()
                             if k in ("order_id", "movements", "order_version", "received_at")})
                 for m in events]  # fmt: skip
        for message in [*events, *again]:
            await svc.publisher.publish(message)
        await settle(svc, seller, len(first) + 1, marker(seller, 2))
        after = await entries(svc, f"seller_id={seller}&month={MONTH}")
        assert sorted(e["id"] for e in after) == sorted([*(e["id"] for e in first),
                                                         "marker-2:REFUND@v1"])  # fmt: skip
        # a late unprocessed order for the closed week: one more fine, the others unchanged
        await svc.publisher.publish(order_event(
            "process_overdue", seller_id=seller, order_id=f"{unique}-late", applied_at=APPLIED,
            received_at=APPLIED + timedelta(hours=6)))  # fmt: skip
        late = await settle(svc, seller, len(after) + 2, marker(seller, 3))
        assert f"FINE:UNPROCESSED_48H:{unique}-late" in {e["id"] for e in late}
        report = await svc.client.post(f"/v1/statements/{MONTH}/reconcile?seller_id={seller}",
                                       headers=AGENT)  # fmt: skip
        assert report.json()["ok"] is True, report.json()


async def test_statement_csv_tenancy_and_a_tampered_entry(svc: Running, unique: str) -> None:
    seller, other = f"t-{unique}", f"u-{unique}"
    for message in lifecycle(seller, unique)[:6]:
        await svc.publisher.publish(message)
    await settle(svc, seller, 8, marker(seller, 1))
    res = await svc.client.get(f"/v1/statements/{MONTH}?seller_id={seller}", headers=QC)
    assert res.status_code == 200, res.text
    body = res.json()
    totals = {s: body[s]["total"] for s in ("settlement", "compensation", "refunds", "fines")}
    assert totals == {"settlement": "27.00", "compensation": "103.20", "refunds": "201.00",
                      "fines": "0.00"}  # fmt: skip
    assert [e["kind"] for e in body["settlement"]["entries"]] in (
        ["FREIGHT_REFUND", "OUTBOUND_FREIGHT"], ["OUTBOUND_FREIGHT", "FREIGHT_REFUND"]
    )  # fmt: skip

    assert res.headers["content-encoding"] == "gzip"  # httpx accepts it (and decodes it)
    plain = await svc.client.get(f"/v1/statements/{MONTH}?seller_id={seller}",
                                 headers=QC | {"Accept-Encoding": "identity"})  # fmt: skip
    assert "content-encoding" not in plain.headers
    assert plain.json() == body
    own = bearer("seller_admin", seller_id=seller)
    mine = await svc.client.get(f"/v1/statements/{MONTH}", headers=own)
    assert mine.json() == body
    sheet = await svc.client.get(f"/v1/statements/{MONTH}.csv", headers=own)
    assert sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(sheet.text)))
    assert rows[0][:6] == ["section", "id", "kind", "order_id", "order_ids", "amount"]
    assert {(r[0], r[5]) for r in rows if r[1] == "TOTAL"} == set(totals.items())
    assert len([r for r in rows[1:] if r[1] != "TOTAL"]) == 8 + 1  # a seller-paid freight twice
    for path in (f"/v1/statements/{MONTH}?seller_id={other}", f"/v1/ledger?seller_id={other}"):
        assert (await svc.client.get(path, headers=own)).status_code == 404
    assert len(await entries(svc, "order_id=marker-1", headers=own)) == 1
    others = bearer("seller_admin", seller_id=other)
    assert await entries(svc, f"month={MONTH}", headers=others) == []
    for headers in (bearer("seller_staff", seller_id=seller), bearer("customer"), own, QC):
        res = await svc.client.post(f"/v1/statements/{MONTH}/reconcile", headers=headers)
        assert res.status_code == 403
    for headers in (bearer("seller_staff", seller_id=seller), bearer("customer")):
        assert (await svc.client.get("/v1/ledger", headers=headers)).status_code == 403
    assert (await svc.client.get("/v1/ledger")).status_code == 401
    assert (await svc.client.get(f"/v1/statements/{MONTH}", headers=QC)).status_code == 422
    for bad in ("2026-13", "2026-1", "26-11"):
        assert (
            await svc.client.get(f"/v1/statements/{bad}?seller_id=s", headers=QC)
        ).status_code == 422
        assert (await svc.client.get(f"/v1/ledger?month={bad}", headers=QC)).status_code == 422

    path = f"/v1/statements/{MONTH}/reconcile?seller_id={seller}"
    assert (await svc.client.post(path, headers=AGENT)).json()["ok"] is True
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(svc.runtime.settings.mongo_url)
    ledger = mongo[svc.runtime.settings.mongo_db]["ledger"]
    refund = f"{unique}-o1:REFUND@v4"
    stored = await ledger.find_one({"_id": {"$eq": refund}})
    assert stored is not None
    packed = json.loads(stored["e"])  # the entry's fields, packed (adapters/ledger.py)
    packed[3] = 1  # fen
    await ledger.update_one({"_id": {"$eq": refund}}, {"$set": {"e": json.dumps(packed)}})
    await mongo.close()
    report = (await svc.client.post(path, headers=AGENT)).json()
    assert report["ok"] is False
    assert report["differences"] == [
        {"entry_id": refund, "field": "fen", "expected": "19999", "recorded": "1"}
    ]
    assert report["expected"]["refunds"] == "201.00"
    assert report["recorded"]["refunds"] == "1.02"
    # the operators' command sees the same difference
    from_cli = await cli.reconcile(svc.runtime.settings, MONTH, seller)
    assert from_cli == report
    assert (await cli.reconcile(svc.runtime.settings, MONTH, other))["ok"] is True


def test_the_command_exits_2_on_a_malformed_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_SECRET", TEST_SECRET)
    assert cli.run(["reconcile", "2026-13"]) == 2
