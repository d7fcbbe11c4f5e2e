"""The seller's notices a closed week asks for: BOTTOM10_WARNING on the second week running in
the Bottom-10 (not the first, not the third: that one escalates), FINED with the amount and the
orders of the penalty lines; each once, however often the week closes or its events come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.weeks import shift_week, week_end
from metrics_svc.handlers.closing import WeekCloser
from metrics_svc.handlers.ingest import Ingestor

from .fakes import fake_stores
from .test_handlers import facts

WEEK = "2026-W40"
APPLIED = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W40
WEEK_S = 7 * 86400


def audited(seller: str, order: str, *, hours: float, weeks: int = 0) -> Envelope:
    applied = APPLIED + timedelta(weeks=weeks)
    return order_event(
        "audited", seller_id=seller, order_id=order, applied_at=applied,
        audited_at=applied + timedelta(hours=hours),
    )  # fmt: skip


def notices(outbox: list[Envelope]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json")["payload"] for m in outbox if m.type == "notice.requested"]


def closer_before_the_end() -> tuple[Ingestor, WeekCloser, FixedClock, Any]:
    store, results = fake_stores()
    ingestor = Ingestor(store)
    clock = FixedClock(week_end(WEEK) - timedelta(hours=1))
    return ingestor, WeekCloser(results, ingestor, clock, poll_s=3600), clock, results


async def test_the_second_week_in_the_bottom10_warns_the_seller_the_third_escalates() -> None:
    ingestor, closer, clock, results = closer_before_the_end()
    seen: list[list[dict[str, Any]]] = []
    for weeks in range(3):
        batch = [audited(f"s{n}", f"o{n}-{weeks}", hours=n, weeks=weeks) for n in range(12)]
        await ingestor.write(facts(*batch))
        await ingestor.write(facts(*batch))  # redelivered
        clock.advance(WEEK_S)
        assert await closer.tick() == [shift_week(WEEK, weeks)]
        assert await closer.tick() == []  # closed once
        seen.append(notices(results.outbox))
        results.outbox.clear()
    first, second, third = seen
    assert first == []
    assert third == []
    bottom = sorted(r.card.seller_id for r in await results.all_results(WEEK) if r.bottom10)
    assert sorted(n["seller_id"] for n in second) == bottom
    week = shift_week(WEEK, 1)
    assert second[0] | {"seller_id": "x", "notice_key": "x"} == {
        "notice_key": "x",
        "seller_id": "x",
        "kind": "BOTTOM10_WARNING",
        "order_id": None,
        "order_no": None,
        "category": None,
        "due_at": week_end(shift_week(WEEK, 2)).isoformat().replace("+00:00", "Z"),
        "amount": None,
        "order_ids": [],
        "week": week,
        "streak": 2,
        "contact_phone": None,
    }
    assert {n["notice_key"] for n in second} == {f"BOTTOM10_WARNING:{s}:{week}" for s in bottom}


def overdue(seller: str, order: str) -> Envelope:
    return order_event(
        "process_overdue", seller_id=seller, order_id=order, applied_at=APPLIED,
        received_at=APPLIED,
    )  # fmt: skip


def unaudited(seller: str, order: str) -> Envelope:
    return order_event("audit_overdue", seller_id=seller, order_id=order, applied_at=APPLIED)


async def test_a_closed_week_fines_each_seller_with_the_amount_and_the_orders_once() -> None:
    ingestor, closer, clock, results = closer_before_the_end()
    charged = order_event(
        "pre_compensated", seller_id="s1", order_id="o9", applied_at=APPLIED,
        charged_to_seller="12.50",
    )  # fmt: skip
    batch = [
        overdue("s1", "o2"),
        overdue("s1", "o1"),
        charged,
        *(unaudited("s2", f"s2-u{n}") for n in range(9)),  # 9 unaudited: no fine yet
        *(unaudited("s3", f"s3-u{n}") for n in range(10)),
    ]
    await ingestor.write(facts(*batch))
    await ingestor.write(facts(*batch))  # redelivered: counted once
    clock.advance(2 * 3600)
    assert await closer.tick() == [WEEK]
    assert await closer.tick() == []
    await closer.close(WEEK)  # again: nothing more
    fined = {n["seller_id"]: n for n in notices(results.outbox)}
    assert set(fined) == {"s1", "s3"}
    s1 = fined["s1"]
    assert (s1["kind"], s1["notice_key"], s1["week"]) == ("FINED", f"FINED:s1:{WEEK}", WEEK)
    assert (s1["amount"], s1["order_ids"]) == ("4012.50", ["o1", "o2", "o9"])
    assert (fined["s3"]["amount"], len(fined["s3"]["order_ids"])) == ("2000.00", 10)
    ids = [m.id for m in results.outbox if m.type == "notice.requested"]
    assert ids == [f"notice.requested:FINED:{s}:{WEEK}" for s in ("s1", "s3")]
