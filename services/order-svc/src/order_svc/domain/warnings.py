"""The warnings before each deadline that costs the seller, armed and cancelled with it.

A warning is one more deadline of the order (`<order>:<WARNING>`), wanted exactly while the
deadline it warns of is wanted, due `offset` before it: `deadlines.wanted` adds them, so the same
diff that arms and cancels a deadline arms and cancels its warning (an audit before the 10th hour
cancels `AUDIT_DUE_SOON` with `AUDIT_OVERDUE`). Its firing asks sms-svc for a notice
(`firings.warned`), only while the deadline itself is still armed.

The offsets are order-svc settings (`config.Settings.*_warning_before`), handed to the domain as a
`WarningOffsets` value; without one (None) no warning is armed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aftersales_shared.contracts.messages import DeadlineKind

from order_svc.domain.order import ArmedDeadline

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


@dataclass(frozen=True)
class WarningOffsets:
    """How long before its deadline each warning falls due."""

    audit: timedelta = 2 * HOUR
    """`AUDIT_DUE_SOON`, before the 12-hour audit count (`AUDIT_OVERDUE`)."""
    pre_compensation: timedelta = DAY
    """`PRE_COMPENSATION_DUE_SOON`, before the 7-day pre-compensation."""
    process: timedelta = 6 * HOUR
    """`PROCESS_DUE_SOON`, before the 48-hour processing fine (`PROCESS_OVERDUE`)."""
    auto_refund: timedelta = DAY
    """`AUTO_REFUND_DUE_SOON`, before the 15-day auto-refund (besides the day-10 SMS)."""

    def before(self, deadline: DeadlineKind) -> timedelta:
        return {
            "AUDIT_OVERDUE": self.audit,
            "PRE_COMPENSATION": self.pre_compensation,
            "PROCESS_OVERDUE": self.process,
            "AUTO_REFUND": self.auto_refund,
        }[deadline]


WARNING_OF: dict[DeadlineKind, DeadlineKind] = {
    "AUDIT_OVERDUE": "AUDIT_DUE_SOON",
    "PRE_COMPENSATION": "PRE_COMPENSATION_DUE_SOON",
    "PROCESS_OVERDUE": "PROCESS_DUE_SOON",
    "AUTO_REFUND": "AUTO_REFUND_DUE_SOON",
}
"""The deadlines that cost the seller, and the warning of each."""
WARNED_BY: dict[DeadlineKind, DeadlineKind] = {w: d for d, w in WARNING_OF.items()}
"""Each warning, and the deadline it warns of."""


def warning_slot(deadline_slot: str, warning: DeadlineKind) -> str:
    """`<order>:AUDIT_OVERDUE` -> `<order>:AUDIT_DUE_SOON` (warned deadlines have no number)."""
    return f"{deadline_slot.rsplit(':', 1)[0]}:{warning}"


def warnings_of(
    want: dict[str, ArmedDeadline], offsets: WarningOffsets
) -> dict[str, ArmedDeadline]:
    """The warning slot of each wanted deadline that costs the seller, due `offset` before it."""
    out: dict[str, ArmedDeadline] = {}
    for slot, d in want.items():
        warning = WARNING_OF.get(d.kind)
        if warning is not None:
            due = d.due_at - offsets.before(d.kind)
            out[warning_slot(slot, warning)] = ArmedDeadline(kind=warning, due_at=due)
    return out


DEFAULT_OFFSETS = WarningOffsets()
"""The offsets of the issue (2 h, 1 day, 6 h, 1 day): order-svc's settings default to them."""
