"""Each path's money movements: on its event, exactly once, with the payer and payee of
domain.md's freight table, and the paid amount of the record."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.errors import Invalid, InvalidTransition
from order_builders import NOW, main_account, new_order, order_in
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import Decision, execute
from order_svc.domain.model import Cmd, Outcome, Status, Tier
from order_svc.domain.order import ExchangeOrder, ServiceOrder, exchange_order_id
from order_svc.handlers.wire import messages

SELLER = main_account()


def run(order, cmd, payload, actor=SELLER):  # type: ignore[no-untyped-def]
    return execute(order, cmd, actor=actor, now=NOW, payload=payload)


def moved(decision: Decision) -> list[tuple[str, str, str, str]]:
    """(kind, amount, payer, payee) of the transition's event, as on the wire."""
    events = [m.payload for m in messages(decision) if isinstance(m.payload, ServiceOrderEvent)]
    assert len(events) == 1
    return [(m.kind, m.amount, m.payer, m.payee) for m in events[0].movements]


def received(*, quality: bool = True, tier: Tier = Tier.GOLD, paid: str = "199.00") -> ServiceOrder:
    order = new_order(
        quality_issue=quality,
        customer_tier=tier,
        paid_amount=Decimal(paid),
        shipment=c.ShipmentIn(carrier="SF", tracking_no="1", freight=Decimal("12")),
    )
    order.status = Status.AWAITING_RETURN
    return run(order, Cmd.REGISTER_RECEIPT, c.Receipt()).order


def test_a_refund_moves_the_refund_and_the_return_freight_once() -> None:
    done = run(
        received(),
        Cmd.PROCESS_REFUND,
        c.Process(outcome=Outcome.REFUND, amount=Decimal("199"), reason="q"),
    )
    assert moved(done) == [
        ("REFUND", "199.00", "SELLER", "CUSTOMER"),
        ("FREIGHT_REFUND", "12.00", "SELLER", "CUSTOMER"),
    ]
    f = done.order.freight
    assert (f.refunded_fen, f.refunded_at) == (1200, done.order.processed_at)
    ids = {m.id for m in messages(done)[0].payload.movements}  # type: ignore[attr-defined]
    assert ids == {
        f"so-1:REFUND@v{done.order.version}",
        f"so-1:FREIGHT_REFUND@v{done.order.version}",
    }


def test_diamond_return_freight_is_refunded_by_the_platform_when_no_quality_issue() -> None:
    order = run(
        received(quality=False, tier=Tier.DIAMOND),
        Cmd.SET_RETURN_FREIGHT,
        c.ReturnFreight(amount=Decimal("8")),
    ).order
    done = run(
        order,
        Cmd.PROCESS_RETURN_ORIGINAL,
        c.Process(outcome=Outcome.RETURN_ORIGINAL, remark="no", freight=Decimal("6")),
    )
    assert moved(done) == [
        ("FREIGHT_REFUND", "8.00", "PLATFORM", "CUSTOMER"),
        ("OUTBOUND_FREIGHT", "6.00", "SELLER", "PLATFORM"),
    ]


def test_a_customer_who_pays_its_own_freight_gets_none_back() -> None:
    done = run(
        received(quality=False),
        Cmd.PROCESS_REFUND,
        c.Process(outcome=Outcome.REFUND, amount=Decimal("199"), reason="q"),
    )
    assert moved(done) == [("REFUND", "199.00", "SELLER", "CUSTOMER")]


def test_a_reopened_order_processed_again_refunds_no_freight_twice() -> None:
    first = run(
        received(),
        Cmd.PROCESS_RETURN_ORIGINAL,
        c.Process(outcome=Outcome.RETURN_ORIGINAL, remark="r"),
    )
    assert moved(first) == [("FREIGHT_REFUND", "12.00", "SELLER", "CUSTOMER")]
    reopened = run(first.order, Cmd.REOPEN, None)
    assert moved(reopened) == []
    with pytest.raises(InvalidTransition):
        run(reopened.order, Cmd.SET_RETURN_FREIGHT, c.ReturnFreight(amount=Decimal("20")))
    again = run(
        reopened.order,
        Cmd.PROCESS_OFFLINE_EXCHANGE,
        c.Process(
            outcome=Outcome.OFFLINE_EXCHANGE, remark="r", tracking_no="YT", freight=Decimal("9.5")
        ),
    )
    assert moved(again) == [("OUTBOUND_FREIGHT", "9.50", "SELLER", "PLATFORM")]


def test_diamond_needs_a_return_freight_before_processing() -> None:
    order = new_order(quality_issue=False, customer_tier=Tier.DIAMOND)
    order.status = Status.AWAITING_RETURN
    order = run(order, Cmd.REGISTER_RECEIPT, c.Receipt()).order
    refund = c.Process(outcome=Outcome.REFUND, amount=Decimal("199"), reason="q")
    with pytest.raises(Invalid) as raised:
        run(order, Cmd.PROCESS_REFUND, refund)
    assert raised.value.code == "return_freight_required"
    assert "DIAMOND+" in raised.value.message
    order = run(order, Cmd.SET_RETURN_FREIGHT, c.ReturnFreight(amount=Decimal("0"))).order
    assert moved(run(order, Cmd.PROCESS_REFUND, refund)) == [
        ("REFUND", "199.00", "SELLER", "CUSTOMER")
    ]


def test_freight_on_processing_is_only_for_return_original_or_offline_exchange() -> None:
    with pytest.raises(Invalid) as raised:
        run(
            received(),
            Cmd.PROCESS_EXCHANGE,
            c.Process(outcome=Outcome.EXCHANGE, sku="S2", freight=Decimal("5")),
        )
    assert raised.value.details["field"] == "freight"


def test_an_exchange_moves_nothing_until_it_ships_with_its_freight() -> None:
    done = run(
        received(quality=False), Cmd.PROCESS_EXCHANGE, c.Process(outcome=Outcome.EXCHANGE, sku="S2")
    )
    assert moved(done) == []
    xo = exchange_order_id("so-1", 1)
    shipped = c.ExchangeShippedCmd(
        exchange_order_id=xo,
        shipped_at=done.order.applied_at,
        tracking_no="JD",
        freight=Decimal("7"),
    )
    out = run(done.order, Cmd.EXCHANGE_SHIPPED, shipped, Actor.platform("om"))
    assert moved(out) == [("OUTBOUND_FREIGHT", "7.00", "SELLER", "PLATFORM")]
    assert out.order.exchanges[0].freight_fen == 700


def test_a_reship_without_freight_moves_nothing() -> None:
    order = order_in(Status.PROVISIONALLY_DONE)
    order.exchanges = [
        ExchangeOrder(
            id=exchange_order_id("so-1", 1),
            sku="S",
            quantity=1,
            amount_fen=1,
            decided_at=order.applied_at,
        )
    ]
    shipped = c.ExchangeShippedCmd(
        exchange_order_id=order.exchanges[0].id, shipped_at=order.applied_at, tracking_no="JD"
    )
    assert moved(run(order, Cmd.EXCHANGE_SHIPPED, shipped, Actor.platform("om"))) == []


@pytest.mark.parametrize(
    ("cmd", "kind", "status"),
    [
        (Cmd.AUTO_REFUND, "AUTO_REFUND", Status.AWAITING_RETURN),
        (Cmd.PRE_COMPENSATE, "PRE_COMPENSATION", Status.PENDING_CLAIM),
    ],
)
def test_the_systems_refunds_pay_exactly_the_recorded_share(
    cmd: Cmd, kind: str, status: Status
) -> None:
    order = new_order(paid_amount=Decimal("66.67"))
    order.status = status
    done = run(order, cmd, None, Actor.system())
    assert moved(done) == [(kind, "66.67", "SELLER", "CUSTOMER")]
    assert done.order.refunded_fen == 6667


def test_a_rulings_refund_is_a_refund_movement() -> None:
    order = order_in(Status.PENDING_PROCESS, locked=True)
    ruling = c.Ruling(case_id="k", outcome=Outcome.REFUND, amount=Decimal("50"))
    done = run(order, Cmd.APPLY_RULING, ruling, Actor.platform("agent"))
    assert moved(done) == [("REFUND", "50.00", "SELLER", "CUSTOMER")]
    with pytest.raises(Invalid):
        run(
            order,
            Cmd.APPLY_RULING,
            ruling.model_copy(update={"amount": Decimal("199.01")}),
            Actor.platform("agent"),
        )


def test_transitions_without_money_carry_no_movement() -> None:
    assert moved(run(order_in(Status.PENDING_CLAIM), Cmd.CLAIM, None, SELLER)) == []
