"""The seller's notices: the kinds, and `notice.requested`, the message that asks for one.

One source of truth per notice. A notice about a transition of a service order is derived by
sms-svc from the `serviceorder.*` event that already records it (`NOTICE_ORDER_EVENTS`), so the
notice can never disagree with the order. What no order event says is asked for with
`notice.requested`: the warnings before a deadline (order-svc arms and cancels them with the
deadline itself; metrics-svc the Bottom-10 warning) and the fines (metrics-svc keeps the penalty
ledger, so it alone knows the amount and the orders behind it).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import AwareDatetime, Field, model_validator

from aftersales_shared.contracts.envelope import Frozen

NoticeKind = Literal[
    "AUDIT_DUE_SOON",
    "PROCESS_DUE_SOON",
    "PRE_COMPENSATION_DUE_SOON",
    "AUTO_REFUND_DUE_SOON",
    "BOTTOM10_WARNING",
    "EXCHANGE_ORDER_CREATED",
    "AUTO_REFUNDED",
    "PRE_COMPENSATED",
    "FINED",
    "RULED",
]
NOTICE_KINDS: tuple[str, ...] = get_args(NoticeKind)

WarningKind = Literal[
    "AUDIT_DUE_SOON",
    "PROCESS_DUE_SOON",
    "PRE_COMPENSATION_DUE_SOON",
    "AUTO_REFUND_DUE_SOON",
    "BOTTOM10_WARNING",
]
WARNING_KINDS: frozenset[str] = frozenset(get_args(WarningKind))
"""Before the fact: each carries `due_at`, and goes to the after-sales contact as an SMS too."""

RequestedKind = Literal[WarningKind, "FINED"]
"""The kinds `notice.requested` carries; the others come from the order events."""

NOTICE_ORDER_EVENTS = ("audited", "processed", "auto_refunded", "pre_compensated", "ruling_applied")
"""The `serviceorder.*` events sms-svc derives notices from: an exchange order created (by a
RESHIP audit, an EXCHANGE processing or ruling), the auto-refund, the pre-compensation, the
ruling."""


class NoticeRequested(Frozen):
    """Tell the seller of a coming deadline, a Bottom-10 streak or a fine; once per `notice_key`.

    `notice_key` is deterministic (e.g. the deadline's id for a warning, `FINED:<seller>:<week>`
    for a fine), so a repeat of the message or of its publication is one notice. `contact_phone`
    is the seller's after-sales contact: a warning is also sent there as an SMS when it is given.
    `order_ids` name the orders behind a fine; `amount` is a decimal string in CNY ("2000.00").
    """

    notice_key: str = Field(min_length=1, max_length=200)
    seller_id: str = Field(min_length=1, max_length=100)
    kind: RequestedKind
    order_id: str | None = None
    order_no: str | None = None
    category: str | None = Field(default=None, min_length=1, max_length=100)
    """The order's category: a sub-account sees the notices of its categories."""
    due_at: AwareDatetime | None = None
    amount: str | None = Field(default=None, pattern=r"^\d{1,9}\.\d{2}$")
    order_ids: list[str] = Field(default_factory=list, max_length=1000)
    week: str | None = Field(default=None, pattern=r"^\d{4}-W\d{2}$")
    streak: int | None = Field(default=None, ge=1)
    contact_phone: str | None = Field(default=None, min_length=1, max_length=32)

    @model_validator(mode="after")
    def _warnings_have_a_due_date(self) -> NoticeRequested:
        if self.kind in WARNING_KINDS and self.due_at is None:
            raise ValueError(f"{self.kind} is a warning: it needs due_at")
        if self.kind == "FINED" and self.amount is None:
            raise ValueError("FINED needs the amount")
        if self.kind not in ("BOTTOM10_WARNING", "FINED") and self.order_id is None:
            raise ValueError(f"{self.kind} is about one order: it needs order_id")
        return self
