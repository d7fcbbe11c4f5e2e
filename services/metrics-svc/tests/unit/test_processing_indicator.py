"""The 12-hour processing indicator: arbitration is a decision, a locked receipt is not counted."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_shared.contracts.messages import ServiceOrderEvent
from metrics_svc.domain.counters import LiveCounters
from metrics_svc.domain.facts import Fact, FactKind
from metrics_svc.domain.scoring import pct, scorecard
from metrics_svc.handlers.wire import facts_of

RECEIVED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W48


def event(**overrides: Any) -> ServiceOrderEvent:
    base: dict[str, Any] = {
        "order_id": "o1", "order_no": "N1", "seller_id": "s1", "category": "phone",
        "customer_tier": "GOLD", "status_from": "PENDING_PROCESS", "status_to": "PENDING_PROCESS",
        "command": "c", "actor_id": "a", "actor_role": "seller_staff", "paid_amount": "100.00",
        "applied_at": RECEIVED - timedelta(days=3), "received_at": RECEIVED, "order_version": 5,
    }  # fmt: skip
    return ServiceOrderEvent(**(base | overrides))


def shown(facts: list[Fact]) -> list[tuple[FactKind, str, bool]]:
    return [(f.kind, f.key, f.ok) for f in facts]


@pytest.mark.parametrize(
    ("after", "ok"), [(timedelta(hours=12), True), (timedelta(hours=12, seconds=1), False)]
)
def test_a_request_for_arbitration_is_a_processing_decision(after: timedelta, ok: bool) -> None:
    locked = event(command="REQUEST_ARBITRATION", locked=True)
    facts = facts_of("serviceorder.locked", locked, RECEIVED + after)
    assert shown(facts) == [
        (FactKind.RECEIPT, "receipt:o1", True),
        (FactKind.PROCESS, "process:o1", ok),
    ]
    assert {f.week for f in facts} == {"2026-W48"}


@pytest.mark.parametrize(
    ("status_from", "received_at"), [("AWAITING_RETURN", None), ("UNRESOLVED", RECEIVED)]
)
def test_arbitration_outside_pending_process_is_no_processing_decision(
    status_from: str, received_at: datetime | None
) -> None:
    locked = event(status_from=status_from, received_at=received_at, locked=True)
    assert facts_of("serviceorder.locked", locked, RECEIVED + timedelta(hours=1)) == []


def test_an_order_received_while_locked_is_not_counted() -> None:
    received = event(status_from="AWAITING_RETURN", locked=True)
    assert facts_of("serviceorder.received", received, RECEIVED) == []
    unlocked = event(status_from="AWAITING_RETURN")
    assert shown(facts_of("serviceorder.received", unlocked, RECEIVED)) == [
        (FactKind.RECEIPT, "receipt:o1", True)
    ]


def test_the_indicator_over_a_week_of_three_orders() -> None:
    """Processed in 2h, arbitration asked in 3h, received while locked: 2 of 2, 100%."""
    counters, seen = LiveCounters(), set()
    stream = [
        ("received", event(order_id="a", status_from="AWAITING_RETURN"), RECEIVED),
        ("processed", event(order_id="a", processed_at=RECEIVED + timedelta(hours=2)), RECEIVED),
        ("received", event(order_id="b", status_from="AWAITING_RETURN"), RECEIVED),
        ("locked", event(order_id="b", locked=True), RECEIVED + timedelta(hours=3)),
        ("received", event(order_id="c", status_from="AWAITING_RETURN", locked=True), RECEIVED),
    ]
    for kind, ev, at in stream:
        for fact in facts_of(f"serviceorder.{kind}", ev, at):
            if fact.key not in seen:
                seen.add(fact.key)
                counters.add(fact)
    counts = counters.counts("2026-W48", "s1")
    assert (counts.get("proc_n"), counts.get("proc_d")) == (2, 2)
    card = scorecard(seller_id="s1", week="2026-W48", counters=counts)
    assert [pct(i.value) for i in card.indicators if i.value is not None] == ["100.00"]
