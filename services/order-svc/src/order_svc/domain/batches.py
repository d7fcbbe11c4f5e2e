"""What may be decided for many orders at once: a batch audit only rejects or records the
customer's abandonment (an approval, a reship or a request for feedback is one order at a time),
and an abandonment carries the note of the customer's consent, the same for every order."""

from __future__ import annotations

from collections.abc import Collection

from aftersales_shared.errors import Invalid

from order_svc.domain.faults import RequestInvalid
from order_svc.domain.model import AUDIT_COMMANDS, AuditResult, Cmd, Permission

BATCH_AUDIT_RESULTS = frozenset({AuditResult.REJECT, AuditResult.CUSTOMER_ABANDON})


def batch_audit_command(result: AuditResult) -> Cmd:
    """The command a batch audit issues to each order; Invalid for a result not allowed in one.
    (An abandonment without its consent note is refused by the command's own rule, after the
    order's guards, as `RequestInvalid`: the batch is refused whole.)"""
    if result not in BATCH_AUDIT_RESULTS:
        allowed = " or ".join(sorted(r.value for r in BATCH_AUDIT_RESULTS))
        raise Invalid(f"a batch audit may only {allowed}, not {result.value}", field="result")
    return AUDIT_COMMANDS[result]


def check_assignee(staff_id: str, permissions: Collection[Permission]) -> None:
    """Orders are assigned only to a sub-account that may audit them (they go to 待审核);
    RequestInvalid otherwise, a fault of the request whatever the orders."""
    if Permission.AUDIT not in permissions:
        raise RequestInvalid(f"staff {staff_id} has no AUDIT permission", field="staff_id")
