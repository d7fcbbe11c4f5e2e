"""Timer commands at the transitions of domain.md's Deadlines table, and the customer SMS."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pydantic
import pytest
from aftersales_shared.errors import Locked
from order_builders import NOW, application, new_order, valid
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.deadlines import is_armed, mark_fired, slot_of
from order_svc.domain.decide import Decision, apply, execute
from order_svc.domain.model import AuditResult, Cmd, Outcome
from order_svc.domain.order import ServiceOrder
from wire_support import flat_messages

H = timedelta(hours=1)


def timers(decision: Decision) -> list[tuple[str, str, object]]:
    out = []
    for m in flat_messages(decision):
        if m.type.startswith("timer."):
            p = m.payload
            out.append(
                (
                    m.type,
                    getattr(p, "deadline_id", getattr(p, "order_id", ""))
                    .split(":", 1)[-1]
                    .split("@v")[0],
                    getattr(p, "due_at", None),
                )
            )
    return out


def step(order: ServiceOrder, cmd: Cmd, payload: c.Payload | None = None, at: timedelta = H):
    actor, default = valid(cmd)
    return execute(order, cmd, actor=actor, now=NOW + at, payload=payload or default)


def test_deadlines_follow_the_lifecycle() -> None:
    applied = apply(application(), order_id="so-1", customer=Actor.customer("cust-1"), now=NOW)
    assert sorted(timers(applied)) == [
        ("timer.schedule", "AUDIT_OVERDUE", NOW + 12 * H),
        ("timer.schedule", "PRE_COMPENSATION", NOW + 168 * H),
    ]
    sched = next(m.payload for m in flat_messages(applied) if m.type == "timer.schedule")
    assert sched.data["order_version"] == 1  # type: ignore[attr-defined]
    claimed = step(applied.order, Cmd.CLAIM)
    assert timers(claimed) == []
    approved = step(claimed.order, Cmd.AUDIT_APPROVE_RETURN, at=2 * H)
    assert sorted(timers(approved)) == [
        ("timer.cancel", "AUDIT_OVERDUE", None),
        ("timer.cancel", "PRE_COMPENSATION", None),
        ("timer.schedule", "SHIP_REMINDER:1", NOW + 2 * H + 120 * H),
    ]
    first = step(approved.order, Cmd.AUTO_SHIP_REMINDER, at=122 * H)
    assert timers(first) == [("timer.schedule", "SHIP_REMINDER:2", NOW + 2 * H + 240 * H)]
    assert [m.payload.template for m in flat_messages(first) if m.type == "sms.send"] == [  # type: ignore[attr-defined]
        "SHIP_REMINDER"
    ]
    second = step(first.order, Cmd.AUTO_SHIP_REMINDER, at=242 * H)
    assert timers(second) == [("timer.schedule", "SHIP_REMINDER:3", NOW + 2 * H + 600 * H)]
    third = step(second.order, Cmd.AUTO_SHIP_REMINDER, at=602 * H)
    assert timers(third) == []
    shipped = step(approved.order, Cmd.RECORD_SHIPMENT, at=3 * H)
    assert sorted(timers(shipped))[-2:] == [
        ("timer.schedule", "AUTO_REFUND", NOW + 3 * H + 360 * H),
        ("timer.schedule", "SELLER_RETURN_WARNING", NOW + 3 * H + 240 * H),
    ]
    assert [t for t in timers(shipped) if t[0] == "timer.cancel"] == [
        ("timer.cancel", "SHIP_REMINDER:1", None)
    ]
    received = step(shipped.order, Cmd.REGISTER_RECEIPT, at=4 * H)
    assert sorted(timers(received)) == [
        ("timer.cancel", "AUTO_REFUND", None),
        ("timer.cancel", "SELLER_RETURN_WARNING", None),
        ("timer.schedule", "PROCESS_OVERDUE", NOW + 52 * H),
    ]
    refunded = step(received.order, Cmd.PROCESS_REFUND, at=5 * H)
    assert timers(refunded) == [("timer.cancel", "PROCESS_OVERDUE", None)]
    (sms,) = [m.payload for m in flat_messages(refunded) if m.type == "sms.send"]
    assert (sms.template, sms.params, sms.recipient) == (  # type: ignore[attr-defined]
        "REFUND_ISSUED",
        {"order_no": "JD-1001", "amount": "199.00"},
        "13800138000",
    )
    assert refunded.order.deadlines == {}


def test_feedback_timeout_and_locked_orders_suspend() -> None:
    o = step(new_order(), Cmd.CLAIM).order
    asked = step(
        o, Cmd.AUDIT_REQUEST_FEEDBACK, c.Audit(result=AuditResult.REQUEST_FEEDBACK), at=2 * H
    )
    assert ("timer.schedule", "FEEDBACK_TIMEOUT", NOW + 2 * H + 360 * H) in timers(asked)
    assert [m.payload.template for m in flat_messages(asked) if m.type == "sms.send"] == [  # type: ignore[attr-defined]
        "FEEDBACK_REQUESTED"
    ]
    approved = step(step(asked.order, Cmd.FEEDBACK).order, Cmd.AUDIT_APPROVE_RETURN)
    locked = step(approved.order, Cmd.REQUEST_ARBITRATION)
    assert timers(locked) == [("timer.suspend", "so-1", None)]
    received = step(locked.order, Cmd.REGISTER_RECEIPT)
    assert {t[0] for t in timers(received)} == {"timer.cancel"}, "nothing new is armed while locked"
    ruled = step(
        received.order, Cmd.APPLY_RULING, c.Ruling(case_id="k", outcome=Outcome.RETURN_ORIGINAL)
    )
    assert ruled.order.deadlines == {}
    (sms,) = [m.payload for m in flat_messages(ruled) if m.type == "sms.send"]
    assert sms.params == {"order_no": "JD-1001", "outcome": "RETURN_ORIGINAL"}  # type: ignore[attr-defined]


def scheduled_ids(decision: Decision) -> list[str]:
    return [m.payload.deadline_id for m in flat_messages(decision) if m.type == "timer.schedule"]  # type: ignore[attr-defined]


def test_a_slot_armed_again_gets_a_new_deadline_id() -> None:
    """timer-svc uses an id once: the second feedback round must not reuse the cancelled one."""
    o = step(new_order(), Cmd.CLAIM).order
    feedback = c.Audit(result=AuditResult.REQUEST_FEEDBACK)
    first = step(o, Cmd.AUDIT_REQUEST_FEEDBACK, feedback, at=2 * H)
    answered = step(first.order, Cmd.FEEDBACK, at=3 * H)
    (old,) = scheduled_ids(first)
    assert [m.payload.deadline_id for m in flat_messages(answered) if m.type == "timer.cancel"] == [  # type: ignore[attr-defined]
        old
    ]
    second = step(answered.order, Cmd.AUDIT_REQUEST_FEEDBACK, feedback, at=4 * H)
    (new,) = scheduled_ids(second)
    assert new != old
    assert old.split("@v")[0] == new.split("@v")[0] == "so-1:FEEDBACK_TIMEOUT"
    assert set(second.order.deadlines) == {new}


def test_rejection_sms_carries_the_opinion() -> None:
    o = step(new_order(), Cmd.CLAIM).order
    rejected = step(o, Cmd.AUDIT_REJECT, c.Audit(result=AuditResult.REJECT, opinion="no defect"))
    (sms,) = [m.payload for m in flat_messages(rejected) if m.type == "sms.send"]
    assert sms.params == {"order_no": "JD-1001", "opinion": "no defect"}  # type: ignore[attr-defined]
    assert sms.idempotency_key == "so-1:v3.AUDIT_REJECTED"  # type: ignore[attr-defined]


def test_a_fired_deadline_stays_in_its_slot_and_acts_once() -> None:
    """The return warning keeps its slot after firing: marked fired, not armed again."""
    approved = step(step(new_order(), Cmd.CLAIM).order, Cmd.AUDIT_APPROVE_RETURN)
    shipped = step(approved.order, Cmd.RECORD_SHIPMENT, at=3 * H)
    (did,) = [d for d in shipped.order.deadlines if "SELLER_RETURN_WARNING" in d]
    assert is_armed(shipped.order, did)
    warned = step(shipped.order, Cmd.RETURN_WARNING, at=243 * H)
    mark_fired(warned.order, did)
    assert not is_armed(warned.order, did)
    assert is_armed(shipped.order, did), "the previous version is untouched"
    later = step(warned.order, Cmd.RECORD_SHIPMENT, at=244 * H)
    assert timers(later) == [], "a fired slot is neither armed again nor cancelled"
    received = step(later.order, Cmd.REGISTER_RECEIPT, at=245 * H)
    assert ("timer.cancel", "SELLER_RETURN_WARNING", None) not in timers(received)
    assert not any("SELLER_RETURN_WARNING" in d for d in received.order.deadlines)


def test_a_ruling_cancels_deadlines_that_fell_due_while_suspended() -> None:
    o = step(new_order(), Cmd.CLAIM).order
    approved = step(o, Cmd.AUDIT_APPROVE_RETURN).order
    shipment = c.ShipmentIn(carrier="SF", tracking_no="SF1", freight=Decimal("12.00"))
    shipped = step(approved, Cmd.RECORD_SHIPMENT, shipment).order
    assert {slot_of(d) for d in shipped.deadlines} == {
        "so-1:AUTO_REFUND",
        "so-1:SELLER_RETURN_WARNING",
    }
    locked = step(shipped, Cmd.REQUEST_ARBITRATION, at=2 * H).order
    ruling = c.Ruling(case_id="k", outcome=Outcome.CLAIM_REJECTED, note="n")
    ruled = step(locked, Cmd.APPLY_RULING, ruling, at=20 * 24 * H)  # both were due meanwhile
    assert sorted(t[:2] for t in timers(ruled)) == [
        ("timer.cancel", "AUTO_REFUND"),
        ("timer.cancel", "SELLER_RETURN_WARNING"),
    ]
    assert (ruled.order.deadlines, ruled.order.locked) == ({}, False)


def test_the_receipt_while_locked_may_not_change_the_freight() -> None:
    o = step(step(new_order(), Cmd.CLAIM).order, Cmd.AUDIT_APPROVE_RETURN).order
    locked = step(o, Cmd.REQUEST_ARBITRATION).order
    with pytest.raises(Locked, match="under arbitration"):
        step(locked, Cmd.REGISTER_RECEIPT, c.Receipt(note="in", freight=Decimal("30.00")))
    received = step(locked, Cmd.REGISTER_RECEIPT, c.Receipt(note="in"))
    assert received.order.freight.customer_paid_fen == o.freight.customer_paid_fen


def test_a_blank_rejection_opinion_sends_the_default_one() -> None:
    o = step(new_order(), Cmd.CLAIM).order
    rejected = step(o, Cmd.AUDIT_REJECT, c.Audit(result=AuditResult.REJECT, opinion=" \n "))
    (sms,) = [m.payload for m in flat_messages(rejected) if m.type == "sms.send"]
    assert sms.params["opinion"].startswith("您好,经核实")  # type: ignore[attr-defined]


def test_order_numbers_an_sms_cannot_carry_are_refused_at_apply() -> None:
    fields = application().model_dump()
    for bad in ("JD 1001", "JD/1001", "J" * 33, ""):
        with pytest.raises(pydantic.ValidationError, match="order_no"):
            c.Apply.model_validate(fields | {"order_no": bad})
    assert c.Apply.model_validate(fields | {"order_no": "JD-1001_a"}).order_no == "JD-1001_a"
