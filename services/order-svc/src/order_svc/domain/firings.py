"""What a firing does beyond its command: one the rules refuse is recorded on the order, so that
nothing is lost silently; a warning's asks sms-svc for a notice (`WarningDue`)."""

from __future__ import annotations

from datetime import datetime

from order_svc.domain.deadlines import deadline_id as deadline_id_of
from order_svc.domain.deadlines import mark_fired, slot_of
from order_svc.domain.decide import Decision
from order_svc.domain.events import WarningDue
from order_svc.domain.model import Cmd
from order_svc.domain.order import HistoryEntry, ServiceOrder
from order_svc.domain.warnings import WARNED_BY

NOT_APPLIED = "DEADLINE_NOT_APPLIED"
WARNED = "WARNING_NOTICE_REQUESTED"
"""The history command of a warning's firing (a notice asked of sms-svc; the state is unchanged)."""


def refused(
    order: ServiceOrder, cmd: Cmd, *, deadline_id: str, reason: str, now: datetime
) -> Decision:
    """The order with a history entry saying why the firing of `deadline_id` changed nothing.

    The deadline is marked fired, so a repeat of the firing is not recorded again.
    """
    detail = f"{cmd.value} for {deadline_id} not applied: {reason}"
    return Decision(order=_recorded(order, deadline_id, NOT_APPLIED, detail, now), events=[])


def _recorded(
    order: ServiceOrder, deadline_id: str, command: str, detail: str, now: datetime
) -> ServiceOrder:
    """A copy of the order, one version on, with the firing in its history and marked fired."""
    new = ServiceOrder.model_validate(order.model_dump(round_trip=True))
    new.version = order.version + 1
    new.history.append(
        HistoryEntry(
            at=now,
            actor_id="timer",
            actor_role="system",
            command=command,
            status_from=order.status.value,
            status_to=order.status.value,
            detail=detail,
        )
    )
    mark_fired(new, deadline_id)
    return new


def warned(
    order: ServiceOrder, deadline_id: str, *, contact_phone: str | None, now: datetime
) -> Decision | None:
    """The notice a warning's firing asks for; None when the warning or its deadline is no longer
    armed (the seller acted first, or the deadline itself has fired).

    The warning is marked fired, so a repeat of the firing asks for nothing more.
    """
    warning = order.deadlines.get(deadline_id)
    if warning is None or warning.fired or warning.kind not in WARNED_BY:
        return None
    slot = deadline_id_of(order.id, WARNED_BY[warning.kind])
    warned_of = [d for did, d in order.deadlines.items() if slot_of(did) == slot and not d.fired]
    if not warned_of:
        return None
    due_at = warned_of[0].due_at
    detail = f"{warning.kind}: {slot} due at {due_at.isoformat()}"
    new = _recorded(order, deadline_id, WARNED, detail, now)
    notice = WarningDue(
        notice_key=deadline_id,
        seller_id=order.seller_id,
        kind=warning.kind,
        order_id=order.id,
        order_no=order.order_no,
        category=order.category,
        due_at=due_at,
        contact_phone=contact_phone,
    )
    return Decision(order=new, events=[notice])
