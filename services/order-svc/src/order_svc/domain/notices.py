"""The SMS a transition calls for (templates of contracts SMS_TEMPLATES); sms-svc sends them."""

from __future__ import annotations

from aftersales_shared.money import show_fen

from order_svc.domain.events import SmsRequested
from order_svc.domain.model import Cmd
from order_svc.domain.order import ServiceOrder

CUSTOMER_SMS: dict[Cmd, str] = {
    Cmd.AUDIT_REJECT: "AUDIT_REJECTED",
    Cmd.AUDIT_APPROVE_RETURN: "RETURN_APPROVED",
    Cmd.AUDIT_REQUEST_FEEDBACK: "FEEDBACK_REQUESTED",
    Cmd.REMIND_SHIP: "SHIP_REMINDER",
    Cmd.AUTO_SHIP_REMINDER: "SHIP_REMINDER",
    Cmd.PROCESS_REFUND: "REFUND_ISSUED",
    Cmd.PROCESS_OFFLINE_EXCHANGE: "REPLACEMENT_SHIPPED",
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: "REPLACEMENT_SHIPPED",
    Cmd.EXCHANGE_SHIPPED: "REPLACEMENT_SHIPPED",
    Cmd.AUTO_REFUND: "AUTO_REFUNDED",
    Cmd.FEEDBACK_TIMEOUT: "ORDER_CLOSED",
    Cmd.PRE_COMPENSATE: "PRE_COMPENSATED",
    Cmd.APPLY_RULING: "ARBITRATION_RULED",
}


def sms(
    order: ServiceOrder, *, template: str, recipient: str, params: dict[str, str], key: str
) -> SmsRequested:
    """One SMS about the order; `key` is stable for this order version and template."""
    return SmsRequested(
        order_id=order.id,
        category=order.category,
        recipient=recipient,
        template=template,
        params=params,
        key=key,
    )


def customer_sms(cmd: Cmd, order: ServiceOrder) -> list[SmsRequested]:
    """The customer's SMS for an accepted command, if it calls for one."""
    template = CUSTOMER_SMS.get(cmd)
    if template is None:
        return []
    params = {"order_no": order.order_no}
    if template == "AUDIT_REJECTED":
        params["opinion"] = order.audit.opinion if order.audit else ""
    if template in ("REFUND_ISSUED", "AUTO_REFUNDED", "PRE_COMPENSATED"):
        params["amount"] = show_fen(order.refunded_fen)
    if template == "ARBITRATION_RULED":
        params["outcome"] = order.outcome.value if order.outcome else ""
    key = f"v{order.version}.{template}"
    return [sms(order, template=template, recipient=order.customer_phone, params=params, key=key)]
