"""An order keeps only the latest entries of its history and messages; older ones live apart.

Entry `n` of a history (1-based) never changes once a write holding it has committed: a history
is only ever appended to. So an entry leaves the order's tail only once committed: it is stored
apart (by order id and `n`) before the write that drops it from the tail, and a write that loses
its compare-and-set has stored nothing but entries that were committed already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from order_svc.domain.order import HistoryEntry, Note, ServiceOrder


@dataclass(frozen=True)
class Spill:
    """The order with short tails, and what left them: (sequence number, entry) pairs."""

    order: ServiceOrder
    history: list[tuple[int, HistoryEntry]]
    messages: list[tuple[int, Note]]


def history_total(order: ServiceOrder) -> int:
    """How many history entries the order has, stored apart or not."""
    return order.history_start + len(order.history)


def messages_total(order: ServiceOrder) -> int:
    return order.messages_start + len(order.messages)


def _cut(length: int, *, keep: int, committed: int) -> int:
    """How many of a tail's oldest entries leave it: none until it passes twice `keep` (one
    write of many entries then, not one per change), never one not committed yet."""
    if length <= 2 * keep:
        return 0
    return max(0, min(length - keep, committed))


def spill(order: ServiceOrder, *, keep: int, committed: tuple[int, int]) -> Spill:
    """The order to store and the entries to store apart first.

    `committed`: the (history, messages) totals of the version this write replaces.
    """
    h = _cut(len(order.history), keep=keep, committed=committed[0] - order.history_start)
    m = _cut(len(order.messages), keep=keep, committed=committed[1] - order.messages_start)
    if h == 0 and m == 0:
        return Spill(order=order, history=[], messages=[])
    bounded = order.model_copy(
        update={
            "history": order.history[h:],
            "history_start": order.history_start + h,
            "messages": order.messages[m:],
            "messages_start": order.messages_start + m,
        }
    )
    return Spill(
        order=bounded,
        history=[(order.history_start + i + 1, e) for i, e in enumerate(order.history[:h])],
        messages=[(order.messages_start + i + 1, n) for i, n in enumerate(order.messages[:m])],
    )


def recent(order: ServiceOrder, keep: int) -> ServiceOrder:
    """The order as a view shows it: at most the latest `keep` history entries and messages."""
    h = max(0, len(order.history) - keep)
    m = max(0, len(order.messages) - keep)
    if h == 0 and m == 0:
        return order
    return order.model_copy(
        update={
            "history": order.history[h:],
            "history_start": order.history_start + h,
            "messages": order.messages[m:],
            "messages_start": order.messages_start + m,
        }
    )


def no_caller_raced(read: ServiceOrder, latest: ServiceOrder, *, since: datetime) -> bool:
    """True when no change after `read` was a caller's made while this command ran.

    Changes by the system (a deadline firing) never count; older changes neither: the read came
    from this process's memory and another process had written since (history records all).
    Entries that left the tail unseen came before its first one: when that one is older than
    `since`, so are they; otherwise they may be a caller's and the answer is no.
    """
    seen = history_total(read)
    if latest.history_start > seen and not (latest.history and latest.history[0].at < since):
        return False
    return all(
        entry.actor_role == "system" or entry.at < since
        for entry in latest.history[max(0, seen - latest.history_start) :]
    )
