"""A deadline firing the rules refuse: recorded on the order, so that nothing is lost silently."""

from __future__ import annotations

from datetime import datetime

from order_svc.domain.deadlines import mark_fired
from order_svc.domain.decide import Decision
from order_svc.domain.model import Cmd
from order_svc.domain.order import HistoryEntry, ServiceOrder

NOT_APPLIED = "DEADLINE_NOT_APPLIED"


def refused(
    order: ServiceOrder, cmd: Cmd, *, deadline_id: str, reason: str, now: datetime
) -> Decision:
    """The order with a history entry saying why the firing of `deadline_id` changed nothing.

    The deadline is marked fired, so a repeat of the firing is not recorded again.
    """
    new = ServiceOrder.model_validate(order.model_dump(round_trip=True))
    new.version = order.version + 1
    new.history.append(
        HistoryEntry(
            at=now,
            actor_id="timer",
            actor_role="system",
            command=NOT_APPLIED,
            status_from=order.status.value,
            status_to=order.status.value,
            detail=f"{cmd.value} for {deadline_id} not applied: {reason}",
        )
    )
    mark_fired(new, deadline_id)
    return Decision(order=new, events=[])
