"""The service layer maps every domain event to its wire contract, field for field."""

from __future__ import annotations

import dataclasses
from typing import get_args

from aftersales_shared.contracts import spec_for
from aftersales_shared.contracts.messages import (
    StaffChanged,
    TimerBatch,
    TimerCancel,
    TimerSchedule,
)
from order_builders import NOW, application, main_account, new_order
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import apply, execute
from order_svc.domain.events import (
    DeadlineArmed,
    DeadlineCancelled,
    OrderChanged,
    OrderEvent,
    SmsRequested,
    StaffRightsChanged,
    WarningDue,
)
from order_svc.domain.model import AuditResult, Cmd, Payer
from order_svc.domain.movements import Movement
from order_svc.handlers.wire import SAME_FIELDS, messages, money_movements, outgoing


def test_every_event_of_an_order_has_a_wire_message() -> None:
    mapped = {OrderChanged, SmsRequested, WarningDue, *SAME_FIELDS}
    assert set(get_args(OrderEvent)) == mapped


def test_events_mapped_field_for_field_have_their_contracts_fields() -> None:
    for event_type, (message_type, contract, _) in SAME_FIELDS.items():
        names = {f.name for f in dataclasses.fields(event_type)}
        assert names == set(contract.model_fields), event_type.__name__
        assert spec_for(message_type).payload is contract
    assert {f.name for f in dataclasses.fields(StaffRightsChanged)} == set(
        StaffChanged.model_fields
    )


def test_a_message_id_key_is_stable_for_the_same_event() -> None:
    armed = DeadlineArmed(
        deadline_id="so-1:AUTO_REFUND@v3", kind="AUTO_REFUND", order_id="so-1", due_at=NOW, data={}
    )
    assert outgoing(armed) == outgoing(armed)
    assert outgoing(armed).key == "schedule.so-1:AUTO_REFUND@v3"
    assert outgoing(armed).type == "timer.schedule"


def test_an_order_event_carries_the_order_after_the_transition() -> None:
    order = new_order()
    event = OrderChanged(
        order=order, name="applied", command="APPLY", status_from=None, actor=Actor.customer("c")
    )
    m = outgoing(event)
    assert (m.type, m.key) == ("serviceorder.applied", "applied")
    assert m.payload.model_dump()["order_version"] == order.version
    assert m.payload.model_dump()["paid_amount"] == "199.00"


def test_a_decision_maps_all_its_events_in_order_its_deadlines_in_one_batch() -> None:
    decision = apply(application(), order_id="so-2", customer=Actor.customer("c"), now=NOW)
    out = messages(decision)
    armed = [e for e in decision.events if isinstance(e, DeadlineArmed)]
    assert len(armed) >= 2  # the audit and pre-compensation deadlines and their warnings
    assert out[0].type == "serviceorder.applied"
    assert [m.type for m in out].count("timer.batch") == 1
    assert len(out) == len(decision.events) - len(armed) + 1
    (batch,) = (m for m in out if m.type == "timer.batch")
    assert isinstance(batch.payload, TimerBatch)
    assert batch.payload.order_id == "so-2"
    assert [s.deadline_id for s in batch.payload.steps] == [e.deadline_id for e in armed]
    assert all(isinstance(s, TimerSchedule) for s in batch.payload.steps)
    assert batch.key == "timers"


def test_a_decision_that_cancels_and_arms_sends_both_in_their_order_in_one_batch() -> None:
    claimed = execute(new_order(), Cmd.CLAIM, actor=main_account(), now=NOW)
    audited = execute(
        claimed.order,
        Cmd.AUDIT_APPROVE_RETURN,
        actor=main_account(),
        now=NOW,
        payload=c.Audit(result=AuditResult.APPROVE_RETURN),
    )
    timer_events = [e for e in audited.events if isinstance(e, DeadlineArmed | DeadlineCancelled)]
    (batch,) = (m.payload for m in messages(audited) if m.type == "timer.batch")
    assert isinstance(batch, TimerBatch)
    assert [(type(s).__name__, s.deadline_id) for s in batch.steps] == [
        ("TimerSchedule" if isinstance(e, DeadlineArmed) else "TimerCancel", e.deadline_id)
        for e in timer_events
    ]
    assert {type(s) for s in batch.steps} == {TimerSchedule, TimerCancel}
    assert TimerBatch.model_validate_json(batch.model_dump_json()) == batch  # as timer-svc reads it


def test_each_money_movement_of_one_transition_has_its_own_id() -> None:
    refund = Movement("REFUND", 1000, Payer.SELLER, Payer.CUSTOMER, NOW)
    ruling = Movement("REFUND", 500, Payer.SELLER, Payer.CUSTOMER, NOW)
    freight = Movement("FREIGHT_REFUND", 800, Payer.SELLER, Payer.CUSTOMER, NOW, "RETURN")
    outbound = Movement("OUTBOUND_FREIGHT", 900, Payer.SELLER, Payer.PLATFORM, NOW, "OUTBOUND")
    ids = [m.id for m in money_movements("o1", 7, [refund, ruling, freight, outbound, ruling])]
    assert ids == [
        "o1:REFUND@v7",
        "o1:REFUND@v7:2",
        "o1:FREIGHT_REFUND@v7",
        "o1:OUTBOUND_FREIGHT@v7",
        "o1:REFUND@v7:3",
    ]
    again = [m.id for m in money_movements("o1", 7, [refund, ruling, freight, outbound, ruling])]
    assert again == ids, "the same however often the event is built"
    twice = Movement("OUTBOUND_FREIGHT", 100, Payer.SELLER, Payer.PLATFORM, NOW, "RETURN")
    legs = money_movements("o1", 8, [outbound, twice])
    assert [m.id for m in legs] == ["o1:OUTBOUND_FREIGHT@v8", "o1:OUTBOUND_FREIGHT@v8:RETURN"]
