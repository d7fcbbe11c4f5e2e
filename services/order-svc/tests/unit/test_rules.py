"""Payload rules, freight, events and staff: each rule rejects bad input and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aftersales_shared.errors import Conflict, Invalid, InvalidTransition, NotFound
from aftersales_shared.money import show_fen
from order_builders import NOW, main_account, new_order, order_in, valid
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import execute
from order_svc.domain.model import (
    AuditResult,
    Cmd,
    CooperationMode,
    Outcome,
    Payer,
    Permission,
    Rating,
    Status,
    Tier,
)
from order_svc.domain.order import Refund, ServiceOrder
from order_svc.domain.seller import MAX_STAFF, Seller, Staff, StaffChange
from order_svc.handlers.wire import messages

SELLER = main_account()


def run(order, cmd, payload, actor=SELLER):  # type: ignore[no-untyped-def]
    return execute(order, cmd, actor=actor, now=NOW, payload=payload)


def process(**kw: object) -> c.Process:
    return c.Process(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (process(outcome=Outcome.REFUND, amount=Decimal("199.01"), reason="x"), "exceed"),
        (process(outcome=Outcome.REFUND, amount=Decimal("0"), reason="x"), "above 0"),
        (process(outcome=Outcome.REFUND, amount=Decimal("50"), reason="x"), "remark"),
        (
            process(
                outcome=Outcome.REFUND,
                amount=Decimal("199"),
                reason="x",
                exchange_turned_refund=True,
            ),
            "remark",
        ),
        (process(outcome=Outcome.REFUND, reason="x"), "amount"),
        (process(outcome=Outcome.REFUND, amount=Decimal("199")), "reason"),
        (process(outcome=Outcome.EXCHANGE), "sku"),
        (process(outcome=Outcome.EXCHANGE, sku="S", amount=Decimal("100")), "same amount"),
        (process(outcome=Outcome.RETURN_ORIGINAL), "remark"),
        (process(outcome=Outcome.OFFLINE_EXCHANGE, remark="r"), "tracking_no"),
        (process(outcome=Outcome.OFFLINE_EXCHANGE, tracking_no="T"), "remark"),
    ],
)
def test_processing_rules(payload: c.Process, message: str) -> None:
    order = order_in(Status.PENDING_PROCESS)
    cmd = Cmd(f"PROCESS_{payload.outcome.value}")
    with pytest.raises(Invalid, match=message):
        run(order, cmd, payload)
    assert order.status is Status.PENDING_PROCESS
    assert order.refund is None


def test_partial_refund_with_remark_is_issued_once() -> None:
    payload = process(outcome=Outcome.REFUND, amount=Decimal("50.50"), reason="x", remark="ok")
    done = run(order_in(Status.PENDING_PROCESS), Cmd.PROCESS_REFUND, payload).order
    assert done.refund is not None
    assert done.refund.amount_fen == 5050
    assert done.outcome is Outcome.REFUND
    with pytest.raises(InvalidTransition, match="not allowed"):
        run(done, Cmd.PROCESS_REFUND, payload)


def test_exchange_creates_an_approved_exchange_order_for_the_same_amount() -> None:
    order = order_in(Status.PENDING_PROCESS)
    decision = run(order, Cmd.PROCESS_EXCHANGE, process(outcome=Outcome.EXCHANGE, sku="SKU-7"))
    (xo,) = decision.order.exchanges
    assert (xo.sku, xo.quantity, xo.amount_fen) == ("SKU-7", order.quantity, order.paid_fen)
    event = messages(decision)[0].payload
    assert event.exchange_order_id == xo.id  # type: ignore[attr-defined]
    assert event.exchange_decided_at == NOW  # type: ignore[attr-defined]
    assert event.processed_at == NOW  # type: ignore[attr-defined]


def test_audit_attachments_are_limited() -> None:
    def image(size: int, kind: str = "image/png") -> c.AttachmentMeta:
        return c.AttachmentMeta(id="a", filename="a.png", content_type=kind, size_bytes=size)

    order = order_in(Status.PENDING_AUDIT)
    for bad, why in (
        ([image(1)] * 4, "at most 3"),
        ([image(800 * 1024)], "800 KB"),
        ([image(1, "application/pdf")], "not an image"),
    ):
        with pytest.raises(Invalid, match=why):
            run(order, Cmd.AUDIT_REJECT, c.Audit(result=AuditResult.REJECT, attachments=bad))
    ok = run(
        order,
        Cmd.AUDIT_REJECT,
        c.Audit(result=AuditResult.REJECT, attachments=[image(800 * 1024 - 1)] * 3),
    )
    assert ok.order.audit is not None
    assert len(ok.order.audit.attachments) == 3
    assert messages(ok)[0].payload.audit_result == "REJECT"  # type: ignore[attr-defined]
    assert messages(ok)[0].payload.audited_at == NOW  # type: ignore[attr-defined]


def test_reship_needs_a_sku_and_mismatched_results_are_refused() -> None:
    order = order_in(Status.PENDING_AUDIT)
    with pytest.raises(Invalid, match="reship_sku"):
        run(order, Cmd.AUDIT_RESHIP, c.Audit(result=AuditResult.RESHIP))
    with pytest.raises(Invalid, match="does not match"):
        run(order, Cmd.AUDIT_RESHIP, c.Audit(result=AuditResult.REJECT))
    done = run(order, Cmd.AUDIT_RESHIP, c.Audit(result=AuditResult.RESHIP, reship_sku="S")).order
    assert done.outcome is Outcome.RESHIP
    assert done.exchanges[0].sku == "S"


def test_seller_abandon_needs_the_customers_consent_note() -> None:
    with pytest.raises(Invalid, match="consent"):
        run(order_in(Status.PENDING_AUDIT), Cmd.ABANDON, c.Abandon())
    done = run(order_in(Status.PENDING_AUDIT), Cmd.ABANDON, c.Abandon(note="agreed by phone"))
    assert done.order.status is Status.CANCELLED


def test_reopen_only_return_original_or_offline_exchange() -> None:
    order = order_in(Status.PROVISIONALLY_DONE)
    order.outcome = Outcome.REFUND
    with pytest.raises(InvalidTransition, match="reopened"):
        run(order, Cmd.REOPEN, None)


def test_rating_once_and_remind_only_before_shipment() -> None:
    customer = Actor.customer("cust-1")
    rated = run(order_in(Status.COMPLETED), Cmd.RATE, c.Rate(rating=Rating.NEUTRAL), customer)
    assert messages(rated)[0].payload.rating == "NEUTRAL"  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransition, match="already"):
        run(rated.order, Cmd.RATE, c.Rate(rating=Rating.SATISFIED), customer)
    actor, ship = valid(Cmd.RECORD_SHIPMENT)
    shipped = run(order_in(Status.AWAITING_RETURN), Cmd.RECORD_SHIPMENT, ship, actor).order
    with pytest.raises(InvalidTransition, match="already shipped"):
        run(shipped, Cmd.REMIND_SHIP, None)


def test_exchange_shipped_unknown_or_twice() -> None:
    actor, payload = valid(Cmd.EXCHANGE_SHIPPED)
    order = order_in(Status.PROVISIONALLY_DONE)
    done = run(order, Cmd.EXCHANGE_SHIPPED, payload, actor)
    assert messages(done)[0].payload.exchange_shipped_at == NOW  # type: ignore[attr-defined]
    with pytest.raises(InvalidTransition):
        run(done.order, Cmd.EXCHANGE_SHIPPED, payload, actor)
    assert isinstance(payload, c.ExchangeShippedCmd)
    with pytest.raises(NotFound):
        run(
            order,
            Cmd.EXCHANGE_SHIPPED,
            payload.model_copy(update={"exchange_order_id": "XO-9-x"}),
            actor,
        )


@pytest.mark.parametrize(
    ("quality", "tier", "payer", "back"),
    [
        (True, Tier.REGULAR, Payer.SELLER, 1200),
        (True, Tier.DIAMOND, Payer.SELLER, 1200),
        (False, Tier.GOLD, Payer.CUSTOMER, 0),
        (False, Tier.DIAMOND, Payer.PLATFORM, 1200),
        (False, Tier.PLUS, Payer.PLATFORM, 1200),
    ],
)
def test_freight_table(quality: bool, tier: Tier, payer: Payer, back: int) -> None:
    order = new_order(
        quality_issue=quality,
        customer_tier=tier,
        shipment=c.ShipmentIn(carrier="SF", tracking_no="1", freight=Decimal("12")),
    )
    assert order.freight.return_leg_payer is payer
    assert order.freight.outbound_leg_payer is Payer.SELLER
    order.status = Status.AWAITING_RETURN
    received = run(order, Cmd.REGISTER_RECEIPT, c.Receipt()).order
    assert received.freight.return_freight_fen == back
    changed = run(received, Cmd.SET_RETURN_FREIGHT, c.ReturnFreight(amount=Decimal("8"))).order
    assert changed.freight.return_freight_fen == 800


def test_pre_compensation_charges_the_seller() -> None:
    done = run(order_in(Status.PENDING_CLAIM), Cmd.PRE_COMPENSATE, None, Actor.system())
    assert done.order.refunded_fen == done.order.paid_fen
    assert messages(done)[0].payload.charged_to_seller == "199.00"  # type: ignore[attr-defined]


def test_arbitration_locks_and_ruling_refund_is_capped_by_the_first_refund() -> None:
    actor, payload = valid(Cmd.REQUEST_ARBITRATION)
    locked = run(order_in(Status.UNRESOLVED), Cmd.REQUEST_ARBITRATION, payload, actor)
    assert locked.order.locked
    types = [m.type for m in messages(locked)]
    assert types[:2] == ["serviceorder.locked", "arbitration.requested"]
    assert "timer.suspend" in types
    ruling = c.Ruling(case_id="k", outcome=Outcome.REFUND, amount=Decimal("10"))
    ruled = run(locked.order, Cmd.APPLY_RULING, ruling, Actor.platform("agent")).order
    assert (ruled.status, ruled.locked, ruled.refunded_fen) == (Status.COMPLETED, False, 1000)


def test_staff_limits_and_changes() -> None:
    seller = Seller(
        seller_id="s",
        name="S",
        cooperation_mode=CooperationMode.SOP,
        aftersales_contact_phone="13900000000",
    )
    for i in range(MAX_STAFF):
        seller = seller.add_staff(Staff(staff_id=f"u{i}", name="n"))
    with pytest.raises(Conflict, match="at most 10"):
        seller.add_staff(Staff(staff_id="u99", name="n"))
    with pytest.raises(Conflict, match="exists"):
        seller.remove_staff("u1").add_staff(Staff(staff_id="u2", name="n"))
    seller = seller.change_staff(
        "u0",
        StaffChange(permissions=frozenset({Permission.AUDIT}), categories=frozenset({"phones"})),
    )
    actor = seller.actor_for_staff("u0")
    assert actor.permissions == {Permission.AUDIT}
    assert actor.sees_category("phones")
    assert not seller.remove_staff("u0").actor_for_staff("u0").permissions
    with pytest.raises(NotFound):
        seller.remove_staff("nobody")


def test_a_refund_ruling_tops_up_a_partial_refund_never_past_the_paid_amount() -> None:
    o = order_in(Status.UNRESOLVED, locked=True)
    o.refund = Refund(amount_fen=5000, reason="partly", remark="r", by="boss", at=NOW)
    agent = Actor.platform("agent-1")

    def rule(amount: str) -> ServiceOrder:
        ruling = c.Ruling(
            case_id="k", outcome=Outcome.REFUND, amount=Decimal(amount), note="the platform"
        )
        return execute(o, Cmd.APPLY_RULING, actor=agent, now=NOW, payload=ruling).order

    with pytest.raises(Invalid, match="still refundable"):
        rule(show_fen(o.paid_fen - 5000 + 1))
    ruled = rule("100.00")
    assert (ruled.refunded_fen, ruled.refund, ruled.status) == (15000, o.refund, Status.COMPLETED)
    assert ruled.ruling_refund is not None
    assert ruled.ruling_refund.amount_fen == 10000
