"""Payloads of the messages between services; each is registered once in `registry`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from aftersales_shared.contracts.envelope import Frozen

DeadlineKind = Literal[
    "SHIP_REMINDER",
    "SELLER_RETURN_WARNING",
    "AUTO_REFUND",
    "FEEDBACK_TIMEOUT",
    "PRE_COMPENSATION",
    "AUDIT_OVERDUE",
    "PROCESS_OVERDUE",
    "AUDIT_DUE_SOON",
    "PRE_COMPENSATION_DUE_SOON",
    "PROCESS_DUE_SOON",
    "AUTO_REFUND_DUE_SOON",
]
"""The last four are the warnings before a deadline that costs the seller (contracts/notices.py)."""


class TimerSchedule(Frozen):
    """Ask timer-svc to fire `deadline_id` at `due_at`; scheduling the same id twice keeps one."""

    deadline_id: str = Field(min_length=1, max_length=200)
    kind: DeadlineKind
    order_id: str
    due_at: AwareDatetime
    data: dict[str, Any] = Field(default_factory=dict)


class TimerCancel(Frozen):
    deadline_id: str = Field(min_length=1, max_length=200)


class TimerSuspend(Frozen):
    """Suspend every pending deadline of an order (it is locked by an arbitration case)."""

    order_id: str


class TimerResume(Frozen):
    order_id: str


class TimerFired(Frozen):
    deadline_id: str
    kind: DeadlineKind
    order_id: str
    due_at: AwareDatetime
    fired_at: AwareDatetime
    data: dict[str, Any] = Field(default_factory=dict)


class ClockAdvanced(Frozen):
    """The shared virtual clock's new offset from the wall clock, in seconds."""

    offset_seconds: float = Field(ge=0)


class ClockSyncRequested(Frozen):
    """A service that just started asks the clock's owner to broadcast the current offset."""

    service: str


SMS_TEMPLATES: dict[str, tuple[str, ...]] = {
    "AUDIT_REJECTED": ("order_no", "opinion"),
    "RETURN_APPROVED": ("order_no",),
    "FEEDBACK_REQUESTED": ("order_no",),
    "SHIP_REMINDER": ("order_no",),
    "REFUND_ISSUED": ("order_no", "amount"),
    "REPLACEMENT_SHIPPED": ("order_no",),
    "AUTO_REFUNDED": ("order_no", "amount"),
    "ORDER_CLOSED": ("order_no",),
    "PRE_COMPENSATED": ("order_no", "amount"),
    "ARBITRATION_RULED": ("order_no", "outcome"),
    "SELLER_RETURN_WARNING": ("order_no", "days_left"),
}
"""Each SMS template id and the parameters it needs; sms-svc owns the texts."""


class SmsSend(Frozen):
    """Send one SMS; the same idempotency key never sends twice."""

    recipient: str = Field(min_length=1, max_length=32)
    template: str = Field(min_length=1, max_length=64)
    params: dict[str, str] = Field(default_factory=dict)
    order_id: str | None = None
    category: str | None = Field(default=None, min_length=1, max_length=100)
    """The order's category when the SMS is about one order: staff see their categories' SMS."""
    idempotency_key: str = Field(min_length=1, max_length=200)


class StaffChanged(Frozen):
    """A sub-account's rights as order-svc now holds them; `version` orders changes of a seller.

    `version` is the seller record's version after the change, so a consumer keeps the highest
    it has seen and drops an older one that arrives late. `removed` means no rights at all.
    """

    seller_id: str = Field(min_length=1, max_length=100)
    staff_id: str = Field(min_length=1, max_length=100)
    categories: list[str] = Field(default_factory=list)
    permissions: list[str] = Field(default_factory=list)
    removed: bool = False
    version: int = Field(ge=1)


class ServiceOrderEvent(Frozen):
    """A transition of a service order, with what every consumer needs to act on it.

    Amounts are decimal strings in CNY with two places ("199.00"). `audit_result` is set on
    `serviceorder.audited`, `rating` on `serviceorder.rated`, the exchange fields on the events of
    an exchange order (created by RESHIP or EXCHANGE, shipped by order management), and
    `charged_to_seller` on `serviceorder.pre_compensated`. `locked` is the order's lock after the
    transition: on `serviceorder.received` it says the goods arrived while a case was open.
    """

    order_id: str
    order_no: str
    seller_id: str
    category: str
    customer_tier: str
    status_from: str | None
    status_to: str
    command: str
    actor_id: str
    actor_role: str
    outcome: str | None = None
    paid_amount: str
    refund_amount: str | None = None
    applied_at: AwareDatetime
    claimed_at: AwareDatetime | None = None
    audited_at: AwareDatetime | None = None
    received_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    order_version: int
    audit_result: str | None = None
    rating: str | None = None
    exchange_order_id: str | None = None
    exchange_decided_at: AwareDatetime | None = None
    exchange_shipped_at: AwareDatetime | None = None
    charged_to_seller: str | None = None
    locked: bool = False
    data: dict[str, Any] = Field(default_factory=dict)


class ArbitrationRequested(Frozen):
    order_id: str
    seller_id: str
    reason: str
    requested_by: str
    snapshot: dict[str, Any]


class ArbitrationRuled(Frozen):
    case_id: str
    order_id: str
    outcome: Literal["REFUND", "EXCHANGE", "RETURN_ORIGINAL", "CLAIM_REJECTED"]
    amount: str | None = None
    sku: str | None = None
    note: str
    ruled_by: str


class WeekClosed(Frozen):
    """metrics-svc froze a quality week (Asia/Shanghai, e.g. 2026-W48): its ranking is final."""

    week: str
    closed_at: AwareDatetime
    sellers_ranked: int = Field(ge=0)
    bottom10: list[str] = Field(default_factory=list)
    escalated: list[str] = Field(default_factory=list)


class SellerEscalated(Frozen):
    """A seller was in the Bottom-10 `streak` (>= 3) weeks in a row, up to `week`: QC decides."""

    seller_id: str
    week: str
    streak: int = Field(ge=1)
    score: str | None = None
