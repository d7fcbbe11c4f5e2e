"""No order waits on the seller without a clock: feedback and reopen arm the seller's deadline."""

from __future__ import annotations

from datetime import timedelta

from order_builders import NOW, new_order, valid
from order_svc.domain import commands as c
from order_svc.domain.deadlines import slot_of
from order_svc.domain.decide import Decision, execute
from order_svc.domain.model import AuditResult, Cmd, Outcome, Status
from order_svc.domain.order import ServiceOrder
from wire_support import flat_messages

H, D = timedelta(hours=1), timedelta(days=1)


def step(order: ServiceOrder, cmd: Cmd, payload: c.Payload | None = None, *, at: timedelta):
    actor, default = valid(cmd)
    return execute(order, cmd, actor=actor, now=NOW + at, payload=payload or default)


def scheduled(decision: Decision) -> dict[str, object]:
    """The slot kind of each deadline the decision schedules, and when it is due."""
    return {
        slot_of(m.payload.deadline_id).split(":", 1)[1]: m.payload.due_at  # type: ignore[attr-defined]
        for m in flat_messages(decision)
        if m.type == "timer.schedule"
    }


def test_feedback_arms_the_pre_compensation_again_from_the_feedback() -> None:
    claimed = step(new_order(), Cmd.CLAIM, at=H).order
    asked = step(
        claimed, Cmd.AUDIT_REQUEST_FEEDBACK, c.Audit(result=AuditResult.REQUEST_FEEDBACK), at=2 * H
    ).order
    back = step(asked, Cmd.FEEDBACK, at=3 * D)
    assert back.order.status is Status.PENDING_AUDIT
    assert scheduled(back) == {"PRE_COMPENSATION": NOW + 3 * D + 7 * D}
    assert {slot_of(d) for d in back.order.deadlines} == {"so-1:PRE_COMPENSATION"}
    audited = step(back.order, Cmd.AUDIT_APPROVE_RETURN, at=4 * D)
    assert "PRE_COMPENSATION" not in {slot_of(d).split(":")[1] for d in audited.order.deadlines}


def test_a_reopen_arms_the_processing_fine_from_the_reopen() -> None:
    o = step(new_order(), Cmd.CLAIM, at=H).order
    o = step(o, Cmd.AUDIT_APPROVE_RETURN, at=2 * H).order
    o = step(o, Cmd.RECORD_SHIPMENT, at=3 * H).order
    o = step(o, Cmd.REGISTER_RECEIPT, at=1 * D).order
    original = c.Process(outcome=Outcome.RETURN_ORIGINAL, remark="not eligible")
    o = step(o, Cmd.PROCESS_RETURN_ORIGINAL, original, at=2 * D).order
    reopened = step(o, Cmd.REOPEN, at=5 * D)
    assert reopened.order.status is Status.PENDING_PROCESS
    assert scheduled(reopened) == {"PROCESS_OVERDUE": NOW + 5 * D + 48 * H}
