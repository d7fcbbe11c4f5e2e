from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_shared.contracts.messages import ServiceOrderEvent
from metrics_svc.domain.facts import KINDS_WITH_FACTS, Fact, FactKind, OrderEvent, deltas
from metrics_svc.domain.facts import facts_of as domain_facts_of
from metrics_svc.handlers.wire import facts_of, to_fen

APPLIED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 Shanghai, 2026-W48


def event(**overrides: Any) -> ServiceOrderEvent:
    base: dict[str, Any] = {
        "order_id": "o1", "order_no": "N1", "seller_id": "s1", "category": "phone",
        "customer_tier": "GOLD", "status_from": None, "status_to": "X", "command": "c",
        "actor_id": "a", "actor_role": "seller_staff", "paid_amount": "100.00",
        "applied_at": APPLIED, "order_version": 1,
    }  # fmt: skip
    return ServiceOrderEvent(**(base | overrides))


def only(facts: list[Fact]) -> Fact:
    assert len(facts) == 1, facts
    return facts[0]


@pytest.mark.parametrize(
    ("after", "ok"),
    [(timedelta(hours=12), True), (timedelta(hours=12, seconds=1), False), (timedelta(0), True)],
)
def test_audit_within_12h_counts_exactly_12h(after: timedelta, ok: bool) -> None:
    fact = only(facts_of("serviceorder.audited", event(audited_at=APPLIED + after), APPLIED))
    assert (fact.kind, fact.ok, fact.week, fact.key) == (FactKind.AUDIT, ok, "2026-W48", "audit:o1")
    assert deltas(fact) == ({"aud_d": 1, "aud_n": 1} if ok else {"aud_d": 1})


def test_audit_counts_in_the_week_of_the_audit() -> None:
    applied = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # Sunday 23:00 Shanghai, W48
    audited = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # Monday 00:00 Shanghai, W49
    ev = event(applied_at=applied, audited_at=audited)
    assert only(facts_of("serviceorder.audited", ev, audited)).week == "2026-W49"


def test_receipt_is_the_denominator_and_processing_counts_in_the_week_of_receipt() -> None:
    received = datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC)  # Sunday 23:59:59 Shanghai
    processed = received + timedelta(hours=12)  # W49, exactly 12h: within
    receipt = only(facts_of("serviceorder.received", event(received_at=received), received))
    assert (receipt.kind, receipt.week, deltas(receipt)) == (
        FactKind.RECEIPT, "2026-W48", {"proc_d": 1},
    )  # fmt: skip
    facts = facts_of(
        "serviceorder.processed", event(received_at=received, processed_at=processed), processed
    )
    assert [(f.kind, f.week, f.ok) for f in facts] == [
        (FactKind.RECEIPT, "2026-W48", True),  # same key as above: counted once
        (FactKind.PROCESS, "2026-W48", True),
    ]
    assert deltas(facts[1]) == {"proc_n": 1}


def test_rating_counts_in_the_week_of_the_rating() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    good = only(facts_of("serviceorder.rated", event(rating="VERY_SATISFIED"), at))
    bad = only(facts_of("serviceorder.rated", event(rating="NEUTRAL"), at))
    assert (good.week, deltas(good), deltas(bad)) == (
        "2026-W49", {"sat_d": 1, "sat_n": 1}, {"sat_d": 1},
    )  # fmt: skip


@pytest.mark.parametrize(("hours", "ok"), [(18, True), (18.001, False)])
def test_exchange_shipped_within_18h_of_the_decision(hours: float, ok: bool) -> None:
    decided = APPLIED + timedelta(days=1)
    ev = event(
        exchange_order_id="x1",
        exchange_decided_at=decided,
        exchange_shipped_at=decided + timedelta(hours=hours),
    )
    facts = facts_of("serviceorder.exchange_shipped", ev, decided)
    assert [(f.kind, f.key, f.ok) for f in facts] == [
        (FactKind.EXCHANGE, "exchange:x1", True),
        (FactKind.EXCHANGE_SHIPPED, "exchange_shipped:x1", ok),
    ]


def test_reship_audit_creates_an_exchange_order() -> None:
    ev = event(
        audited_at=APPLIED, audit_result="RESHIP", exchange_order_id="x2",
        exchange_decided_at=APPLIED,
    )  # fmt: skip
    kinds = [f.kind for f in facts_of("serviceorder.audited", ev, APPLIED)]
    assert kinds == [FactKind.AUDIT, FactKind.EXCHANGE]


def test_penalty_facts_and_their_weeks() -> None:
    late = facts_of("serviceorder.audit_overdue", event(), APPLIED + timedelta(days=3))
    assert [(f.kind, f.week) for f in late] == [(FactKind.AUDIT_OVERDUE, "2026-W48")]
    received = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # + 48h = Monday 08:00 Shanghai, W49
    unprocessed = facts_of("serviceorder.process_overdue", event(received_at=received), received)
    assert [(f.kind, f.week) for f in unprocessed] == [(FactKind.PROCESS_OVERDUE, "2026-W49")]
    charge = only(
        facts_of("serviceorder.pre_compensated", event(charged_to_seller="199.90"), APPLIED)
    )
    assert (charge.amount_fen, deltas(charge)) == (
        19990, {"precomp_count": 1, "precomp_fen": 19990},
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["applied", "claimed", "closed", "locked", "message_left"])
def test_other_events_carry_no_facts(kind: str) -> None:
    assert facts_of(f"serviceorder.{kind}", event(), APPLIED) == []


@pytest.mark.parametrize("kind", ["applied", "claimed", "closed", "resolved", "message_left"])
def test_a_kind_outside_kinds_with_facts_has_none_even_with_every_field_set(kind: str) -> None:
    """`handlers.wire` skips these kinds without mapping them: the domain agrees."""
    assert kind not in KINDS_WITH_FACTS
    at = APPLIED + timedelta(hours=1)
    full = OrderEvent(
        kind=kind, seller_id="s1", order_id="o1", occurred_at=at, applied_at=APPLIED,
        status_from="PENDING_PROCESS", audited_at=at, received_at=at, processed_at=at,
        locked=False, rating="SATISFIED", exchange_order_id="x1", exchange_decided_at=at,
        exchange_shipped_at=at, charged_to_seller_fen=100,
    )  # fmt: skip
    assert domain_facts_of(full) == []


@pytest.mark.parametrize(
    ("raw", "fen"), [("199.00", 19900), ("0.01", 1), (None, 0), ("", 0), ("abc", 0)]
)
def test_to_fen(raw: str | None, fen: int) -> None:
    assert to_fen(raw) == fen
