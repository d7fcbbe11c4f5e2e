"""What may be decided for many orders at once: a batch audit only rejects or records the
customer's abandonment (an approval, a reship or a request for feedback is one order at a time)."""

from __future__ import annotations

from aftersales_shared.errors import Invalid

from order_svc.domain.model import AUDIT_COMMANDS, AuditResult, Cmd

BATCH_AUDIT_RESULTS = frozenset({AuditResult.REJECT, AuditResult.CUSTOMER_ABANDON})


def batch_audit_command(result: AuditResult) -> Cmd:
    """The command a batch audit issues to each order; Invalid for a result not allowed in one."""
    if result not in BATCH_AUDIT_RESULTS:
        allowed = " or ".join(sorted(r.value for r in BATCH_AUDIT_RESULTS))
        raise Invalid(f"a batch audit may only {allowed}, not {result.value}", field="result")
    return AUDIT_COMMANDS[result]
