"""The warnings before each deadline that costs the seller: armed and cancelled with it, fired
at their offset (order-svc's settings) while the deadline is armed, each one notice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from order_builders import NOW, application, valid
from order_svc.config import Settings
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.deadlines import mark_fired, slot_of
from order_svc.domain.decide import Decision, apply, execute
from order_svc.domain.firings import WARNED, warned
from order_svc.domain.model import Cmd
from order_svc.domain.order import ServiceOrder
from order_svc.domain.warnings import DEFAULT_OFFSETS, WarningOffsets
from order_svc.handlers.wire import envelopes
from wire_support import flat_messages

H, D = timedelta(hours=1), timedelta(days=1)
PHONE = "13900139000"


def applied(offsets: WarningOffsets = DEFAULT_OFFSETS) -> Decision:
    customer = Actor.customer("cust-1")
    return apply(application(), order_id="so-1", customer=customer, now=NOW, warnings=offsets)


def step(
    order: ServiceOrder, cmd: Cmd, at: timedelta, payload: c.Payload | None = None
) -> Decision:
    actor, default = valid(cmd)
    return execute(
        order, cmd, actor=actor, now=NOW + at, payload=payload or default, warnings=DEFAULT_OFFSETS
    )


def armed(order: ServiceOrder) -> dict[str, object]:
    """Each armed deadline's kind and due time."""
    return {d.kind: d.due_at for d in order.deadlines.values()}


def warning_id(order: ServiceOrder, kind: str) -> str:
    (did,) = [did for did, d in order.deadlines.items() if d.kind == kind]
    return did


def test_each_warning_is_armed_at_its_offset_before_its_deadline() -> None:
    o = applied().order
    assert armed(o) == {
        "AUDIT_OVERDUE": NOW + 12 * H,
        "AUDIT_DUE_SOON": NOW + 10 * H,
        "PRE_COMPENSATION": NOW + 7 * D,
        "PRE_COMPENSATION_DUE_SOON": NOW + 6 * D,
    }
    approved = step(step(o, Cmd.CLAIM, H).order, Cmd.AUDIT_APPROVE_RETURN, 2 * H).order
    shipment = c.ShipmentIn(carrier="SF", tracking_no="SF1", freight=Decimal("12.00"))
    shipped = step(approved, Cmd.RECORD_SHIPMENT, 3 * H, shipment).order
    assert armed(shipped) == {
        "SELLER_RETURN_WARNING": NOW + 3 * H + 10 * D,
        "AUTO_REFUND": NOW + 3 * H + 15 * D,
        "AUTO_REFUND_DUE_SOON": NOW + 3 * H + 14 * D,
    }
    received = step(shipped, Cmd.REGISTER_RECEIPT, 4 * H).order
    assert armed(received) == {
        "PROCESS_OVERDUE": NOW + 4 * H + 48 * H,
        "PROCESS_DUE_SOON": NOW + 4 * H + 42 * H,
    }


def test_the_offsets_are_settings() -> None:
    settings = Settings(auth_secret="s" * 32, audit_warning_before=timedelta(hours=3))
    assert settings.warning_offsets() == WarningOffsets(audit=3 * H)
    assert armed(applied(settings.warning_offsets()).order)["AUDIT_DUE_SOON"] == NOW + 9 * H
    assert Settings(auth_secret="s" * 32).warning_offsets() == DEFAULT_OFFSETS
    assert WarningOffsets(audit=2 * H, pre_compensation=D, process=6 * H) == DEFAULT_OFFSETS


def test_no_offsets_no_warnings() -> None:
    customer = Actor.customer("cust-1")
    o = apply(application(), order_id="so-1", customer=customer, now=NOW).order
    assert set(armed(o)) == {"AUDIT_OVERDUE", "PRE_COMPENSATION"}


def test_a_warning_is_cancelled_with_its_deadline() -> None:
    """Audited before the 10th hour: AUDIT_DUE_SOON goes with AUDIT_OVERDUE."""
    claimed = step(applied().order, Cmd.CLAIM, H).order
    audited = step(claimed, Cmd.AUDIT_APPROVE_RETURN, 9 * H)
    cancelled = sorted(
        slot_of(m.payload.deadline_id)  # type: ignore[attr-defined]
        for m in flat_messages(audited)
        if m.type == "timer.cancel"
    )
    assert cancelled == [
        "so-1:AUDIT_DUE_SOON",
        "so-1:AUDIT_OVERDUE",
        "so-1:PRE_COMPENSATION",
        "so-1:PRE_COMPENSATION_DUE_SOON",
    ]
    assert not any("DUE_SOON" in did for did in audited.order.deadlines)


def test_a_warning_firing_asks_for_one_notice_while_its_deadline_is_armed() -> None:
    o = applied().order
    did = warning_id(o, "AUDIT_DUE_SOON")
    decision = warned(o, did, contact_phone=PHONE, now=NOW + 10 * H)
    assert decision is not None
    (m,) = flat_messages(decision)
    assert m.type == "notice.requested"
    assert m.payload.model_dump() == {
        "notice_key": did,
        "seller_id": "seller-a",
        "kind": "AUDIT_DUE_SOON",
        "order_id": "so-1",
        "order_no": "JD-1001",
        "category": "phones",
        "due_at": NOW + 12 * H,
        "amount": None,
        "order_ids": [],
        "week": None,
        "streak": None,
        "contact_phone": PHONE,
    }
    new = decision.order
    assert (new.version, new.status, new.history[-1].command) == (o.version + 1, o.status, WARNED)
    assert new.deadlines[did].fired
    (env,) = envelopes(decision, correlation_id=None)
    assert env.occurred_at == NOW + 10 * H
    assert env.id == envelopes(decision, correlation_id="other")[0].id, "a retry: the same id"
    assert warned(new, did, contact_phone=PHONE, now=NOW + 11 * H) is None, "a repeat: nothing"


def test_no_warning_once_the_seller_acted_or_the_deadline_fired() -> None:
    o = applied().order
    did = warning_id(o, "AUDIT_DUE_SOON")
    audited = step(step(o, Cmd.CLAIM, H).order, Cmd.AUDIT_APPROVE_RETURN, 9 * H).order
    assert warned(audited, did, contact_phone=PHONE, now=NOW + 10 * H) is None
    fired = o.model_copy(deep=True)
    mark_fired(fired, warning_id(o, "AUDIT_OVERDUE"))
    assert warned(fired, did, contact_phone=PHONE, now=NOW + 13 * H) is None
    assert warned(o, "so-1:AUDIT_DUE_SOON@v99", contact_phone=PHONE, now=NOW) is None
