"""A firing the rules refuse is recorded on the order, not raised (nor retried, nor lost)."""

from __future__ import annotations

from order_builders import NOW, new_order
from order_svc.domain.firings import refused
from order_svc.domain.model import Cmd, Status
from order_svc.handlers.wire import messages


def test_a_refused_firing_is_recorded_and_marked_fired() -> None:
    order = new_order()
    did = next(d for d in order.deadlines if "PRE_COMPENSATION" in d)
    decision = refused(
        order,
        Cmd.PRE_COMPENSATE,
        deadline_id=did,
        reason="the refund amount must be above 0",
        now=NOW,
    )
    new = decision.order
    assert (new.status, new.version, new.refund) == (Status.PENDING_CLAIM, 2, None)
    entry = new.history[-1]
    assert (entry.command, entry.actor_role) == ("DEADLINE_NOT_APPLIED", "system")
    assert did in entry.detail
    assert "above 0" in entry.detail
    assert new.deadlines[did].fired
    assert not order.deadlines[did].fired
    assert messages(decision) == [], "a refusal changes no deadline and announces nothing"
