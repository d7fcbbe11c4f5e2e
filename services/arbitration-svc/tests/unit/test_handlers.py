"""The use cases against a dict-backed repository: one case per request, one ruling message."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.errors import ConcurrencyConflict, InvalidTransition, NotFound
from aftersales_shared.messaging import MessageMeta, Received
from arbitration_svc.adapters.gauges import PrometheusBacklog
from arbitration_svc.domain.backlog import bucket_of
from arbitration_svc.domain.ruling import Outcome
from arbitration_svc.handlers import Backlog, Cases, case_id_for

from .factories import T0, request
from .fakes import FakeCases


def setup() -> tuple[Cases, FakeCases, FixedClock]:
    repo, clock = FakeCases(), FixedClock(T0)
    return Cases(repo=repo, clock=clock), repo, clock


def message(
    order_id: str = "so-1", id: str | None = None
) -> tuple[ArbitrationRequested, MessageMeta]:
    payload = request(order_id=order_id)
    sent = envelope(
        type="arbitration.requested", payload=payload, occurred_at=T0, seller_id="seller-1", id=id
    )
    return payload, Received(envelope=sent, attempts=1).meta


async def test_a_request_opens_one_case_however_often_it_arrives() -> None:
    cases, repo, _ = setup()
    payload, first = message(id="m-1")
    opened = await cases.open_from(payload, first)
    assert opened is not None
    assert opened.id == case_id_for("m-1")
    assert await cases.open_from(payload, first) is None
    assert await cases.open_from(payload, message()[1]) is None  # another request, same order
    assert len(repo.rows) == 1


async def test_ruling_stores_exactly_one_message_with_a_fixed_id() -> None:
    cases, repo, clock = setup()
    opened = await cases.open_from(*message())
    assert opened is not None
    clock.advance(3600)
    await cases.take(case_id=opened.id, agent="a")
    await cases.add_note(case_id=opened.id, author="a", text="seen")
    ruled = await cases.rule(
        case_id=opened.id,
        agent="a",
        outcome=Outcome.REFUND,
        note="ok",
        amount=Decimal("12.5"),
        sku=None,
    )
    assert ruled.ruled_at == T0 + timedelta(hours=1)
    (sent,) = repo.outbox
    assert sent.id == f"arbitration.ruled-{opened.id}"
    assert sent.correlation_id == opened.correlation_id
    assert sent.payload["amount"] == "12.50"
    with pytest.raises(InvalidTransition):
        await cases.rule(
            case_id=opened.id,
            agent="a",
            outcome=Outcome.REFUND,
            note="ok",
            amount=Decimal("1"),
            sku=None,
        )
    assert len(repo.outbox) == 1


async def test_a_lost_race_is_retried_then_reported() -> None:
    cases, repo, _ = setup()
    opened = await cases.open_from(*message())
    assert opened is not None
    repo.races = 2
    assert (await cases.take(case_id=opened.id, agent="a")).taken_by == "a"
    repo.races = 3
    with pytest.raises(ConcurrencyConflict):
        await cases.add_note(case_id=opened.id, author="a", text="x")


async def test_an_unknown_case_is_not_found() -> None:
    cases, _, _ = setup()
    with pytest.raises(NotFound):
        await cases.take(case_id="nope", agent="a")


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (timedelta(0), "0-1d"),
        (timedelta(hours=23, minutes=59), "0-1d"),
        (timedelta(days=1), "1-3d"),
        (timedelta(days=3) - timedelta(seconds=1), "1-3d"),
        (timedelta(days=3), "3-7d"),
        (timedelta(days=7), "7d+"),
        (timedelta(days=400), "7d+"),
    ],
)
def test_age_buckets(age: timedelta, label: str) -> None:
    assert bucket_of(age) == label


async def test_backlog_counts_open_cases_by_status_and_age() -> None:
    cases, repo, clock = setup()
    for n in range(3):
        await cases.open_from(*message(order_id=f"o-{n}"))
    taken = next(iter(repo.rows))
    await cases.take(case_id=taken, agent="a")
    clock.advance(2 * 86400)
    backlog = Backlog(repo=repo, clock=clock, gauges=PrometheusBacklog(), interval_s=1)
    counts = (await backlog.refresh()).counts
    assert counts[("OPEN", "1-3d")] == 2
    assert counts[("IN_REVIEW", "1-3d")] == 1
    assert sum(counts.values()) == 3
