"""The timer commands and event: what order-svc asks of timer-svc, and what it fires."""

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
    "AUDIT_DUE_SOON",  # this one and the next three: warnings before a deadline (notices.py)
    "PRE_COMPENSATION_DUE_SOON",
    "PROCESS_DUE_SOON",
    "AUTO_REFUND_DUE_SOON",
]


class TimerSchedule(Frozen):
    """Ask timer-svc to fire `deadline_id` at `due_at`; scheduling the same id twice keeps one."""

    deadline_id: str = Field(min_length=1, max_length=200)
    kind: DeadlineKind
    order_id: str
    due_at: AwareDatetime
    data: dict[str, Any] = Field(default_factory=dict)


class TimerCancel(Frozen):
    deadline_id: str = Field(min_length=1, max_length=200)


class TimerBatch(Frozen):
    """One write's timer commands in one message, applied in their order: each step is a
    `timer.schedule` or a `timer.cancel` with the same meaning as on its own. One message per
    write instead of one per deadline: a transition arms and cancels 3 on average."""

    order_id: str
    steps: tuple[TimerSchedule | TimerCancel, ...] = Field(min_length=1, max_length=100)


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
