"""One open application per order line (order no. + sku) until it reaches a final state.

Kept small on purpose: a later change replaces it with claimed quantities per order line.
"""

from __future__ import annotations

from aftersales_shared.errors import Conflict

from order_svc.domain.model import FINAL
from order_svc.domain.order import ServiceOrder


class ApplicationOpen(Conflict):
    code = "application_open"


def line_key(order_no: str, sku: str) -> str:
    return f"{order_no}|{sku}"


def open_line(order: ServiceOrder) -> str | None:
    """The order line this application holds; None once it is final (the line is free again)."""
    return None if order.status in FINAL else line_key(order.order_no, order.sku)


def already_open(*, holder_id: str, holder_customer: str, customer: str) -> ApplicationOpen:
    """The 409 for a second open application; it names the open one to its own customer only."""
    message = "an application for this order line is still open"
    if holder_customer != customer:
        return ApplicationOpen(message)
    return ApplicationOpen(f"{message}: {holder_id}", open_order_id=holder_id)
