"""A decision's wire messages as the tests of the deadline rules read them."""

from __future__ import annotations

from aftersales_shared.contracts.messages import TimerBatch, TimerSchedule
from order_svc.domain.decide import Decision
from order_svc.handlers.wire import Outgoing, messages


def flat_messages(decision: Decision) -> list[Outgoing]:
    """The decision's messages with its `timer.batch` unpacked in place: each step as the
    `timer.schedule` or `timer.cancel` it stands for."""
    out: list[Outgoing] = []
    for m in messages(decision):
        if isinstance(m.payload, TimerBatch):
            out += [
                Outgoing(
                    "timer.schedule" if isinstance(s, TimerSchedule) else "timer.cancel", s, ""
                )
                for s in m.payload.steps
            ]
        else:
            out.append(m)
    return out
