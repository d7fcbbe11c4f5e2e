"""Which deadlines an order should have armed, as data; a transition arms and cancels the rest.

Declarative on purpose: from the order's state alone we derive the wanted deadlines (ids are
deterministic *slots*), compare with those armed, and record an arming or a cancel for the
difference (sent as `timer.schedule` / `timer.cancel`). While the order is locked only
cancellations go out (its timers are suspended).

timer-svc uses a deadline id once (a cancelled id stays cancelled), so each arming gets its own id:
the slot plus the order version it was armed at (`<slot>@v<version>`). A slot armed again later
(a second feedback round) is a new deadline, and a late firing of the old one matches nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aftersales_shared.contracts.messages import DeadlineKind

from order_svc.domain.events import (
    DeadlineArmed,
    DeadlineCancelled,
    DeadlinesResumed,
    DeadlinesSuspended,
    OrderEvent,
)
from order_svc.domain.model import Cmd, Status
from order_svc.domain.order import ArmedDeadline, ServiceOrder

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
SHIP_REMINDERS = (5 * DAY, 10 * DAY, 25 * DAY)
"""After the approval; only the next one is armed, and sending it arms the one after."""
PRE_COMPENSATION_AFTER = 7 * DAY
"""From the application, or from the customer's feedback: no seller decision, the platform pays."""
AUDIT_OVERDUE_AFTER = 12 * HOUR
"""From the application: unaudited beyond this counts toward the unaudited fine."""
FEEDBACK_TIMEOUT_AFTER = 15 * DAY
"""From the request for feedback: no answer, the order is closed."""
RETURN_WARNING_AFTER = 10 * DAY
"""From the shipment: the seller is told that the auto-refund comes in 5 days."""
AUTO_REFUND_AFTER = 15 * DAY
"""From the shipment: no receipt registered, the customer is refunded in full."""
PROCESS_OVERDUE_AFTER = 48 * HOUR
"""From the receipt, or from a reopen: not processed, a fine for this order."""


def deadline_id(order_id: str, kind: str, n: int | None = None) -> str:
    """The slot `<order>:<KIND>` or `<order>:<KIND>:<n>`: one deadline of its kind at a time."""
    return f"{order_id}:{kind}" if n is None else f"{order_id}:{kind}:{n}"


def slot_of(armed_id: str) -> str:
    """The slot of an armed deadline id (`<slot>@v<version>`; older ids are the slot itself)."""
    return armed_id.rsplit("@v", 1)[0]


def wanted(o: ServiceOrder) -> dict[str, ArmedDeadline]:
    """The deadlines the rules of domain.md call for in the order's current state."""
    out: dict[str, ArmedDeadline] = {}

    def arm(kind: DeadlineKind, due: datetime, n: int | None = None) -> None:
        out[deadline_id(o.id, kind, n)] = ArmedDeadline(kind=kind, due_at=due)

    if o.status in (Status.PENDING_CLAIM, Status.PENDING_AUDIT) and o.audited_at is None:
        arm("PRE_COMPENSATION", o.applied_at + PRE_COMPENSATION_AFTER)
        arm("AUDIT_OVERDUE", o.applied_at + AUDIT_OVERDUE_AFTER)
    elif o.status is Status.PENDING_AUDIT and o.audited_at is not None:
        back = o.feedback[-1].at if o.feedback else o.audited_at  # the customer's feedback
        arm("PRE_COMPENSATION", back + PRE_COMPENSATION_AFTER)
    elif o.status is Status.AWAITING_FEEDBACK and o.audit is not None:
        arm("FEEDBACK_TIMEOUT", o.audit.at + FEEDBACK_TIMEOUT_AFTER)
    elif o.status is Status.AWAITING_RETURN and o.audit is not None:
        if o.shipment is None:
            if o.reminders_sent < len(SHIP_REMINDERS):
                n = o.reminders_sent + 1
                arm("SHIP_REMINDER", o.audit.at + SHIP_REMINDERS[n - 1], n)
        else:
            started = max(o.shipment.at, o.audit.at)
            arm("SELLER_RETURN_WARNING", started + RETURN_WARNING_AFTER)
            arm("AUTO_REFUND", started + AUTO_REFUND_AFTER)
    elif o.status is Status.PENDING_PROCESS and (since := o.reopened_at or o.received_at):
        arm("PROCESS_OVERDUE", since + PROCESS_OVERDUE_AFTER)
    return out


def rearm(before: ServiceOrder, after: ServiceOrder) -> list[OrderEvent]:
    """Timer commands for the change from `before` to `after`; updates `after.deadlines`.

    A deadline already due is dropped without a cancel: it has fired (or will, and then finds
    itself no longer armed and changes nothing) -- unless the order was locked: its deadlines were
    suspended, so one due meanwhile has not fired and is cancelled (the ruling ends them).
    """
    out: list[OrderEvent] = []
    if after.locked and not before.locked:
        out.append(DeadlinesSuspended(order_id=after.id))
    armed = dict(before.deadlines)
    want = wanted(after)
    slots = {slot_of(did): did for did in armed}
    now = after.history[-1].at if after.history else None
    for slot in sorted(set(slots) - set(want)):
        did = slots[slot]
        due_later = now is None or armed[did].due_at > now
        if not armed[did].fired and (due_later or before.locked):
            out.append(DeadlineCancelled(deadline_id=did))
        del armed[did]
    if not after.locked:
        for slot, d in sorted(want.items()):
            if slot not in slots:
                did = f"{slot}@v{after.version}"
                data = {"order_version": after.version, "order_no": after.order_no}
                out.append(
                    DeadlineArmed(
                        deadline_id=did, kind=d.kind, order_id=after.id, due_at=d.due_at, data=data
                    )
                )
                armed[did] = d
    if before.locked and not after.locked and armed:
        out.append(DeadlinesResumed(order_id=after.id))
    after.deadlines = armed
    return out


def is_armed(order: ServiceOrder, deadline_id: str) -> bool:
    """Whether a firing of this deadline should act: armed by this order and not yet applied."""
    armed = order.deadlines.get(deadline_id)
    return armed is not None and not armed.fired


def mark_fired(order: ServiceOrder, deadline_id: str) -> None:
    """Record that a firing was applied, so a repeat of it (a new message id) changes nothing."""
    armed = order.deadlines.get(deadline_id)
    if armed is not None:
        order.deadlines[deadline_id] = armed.model_copy(update={"fired": True})


DEADLINE_COMMANDS: dict[str, Cmd] = {
    "AUTO_REFUND": Cmd.AUTO_REFUND,
    "FEEDBACK_TIMEOUT": Cmd.FEEDBACK_TIMEOUT,
    "PRE_COMPENSATION": Cmd.PRE_COMPENSATE,
    "AUDIT_OVERDUE": Cmd.AUDIT_OVERDUE,
    "PROCESS_OVERDUE": Cmd.PROCESS_OVERDUE,
    "SHIP_REMINDER": Cmd.AUTO_SHIP_REMINDER,
    "SELLER_RETURN_WARNING": Cmd.RETURN_WARNING,
}
"""What order-svc does when timer-svc reports a deadline as fired."""


def next_due(order: ServiceOrder) -> ArmedDeadline | None:
    """The soonest deadline still to fire; none while locked (its timers are suspended)."""
    if order.locked:
        return None
    pending = [d for d in order.deadlines.values() if not d.fired]
    return min(pending, key=lambda d: d.due_at, default=None)
