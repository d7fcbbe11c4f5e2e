"""What a caller can make an order grow by: a customer's messages per order per local day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aftersales_shared.errors import TooManyRequests

from order_svc.domain.actors import Actor
from order_svc.domain.model import ActorKind, Cmd
from order_svc.domain.order import DailyCount, ServiceOrder

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed offset is exact."""


def local_day(at: datetime) -> str:
    """The calendar day in Asia/Shanghai of an instant, as 2026-12-02."""
    return at.astimezone(SHANGHAI).date().isoformat()


def count_message(order: ServiceOrder, cmd: Cmd, *, actor: Actor, now: datetime, cap: int) -> None:
    """Count a customer's message on the (private, decided) order; refused beyond `cap` a day.

    The count is part of the order, so it is written with the message in one compare-and-set:
    two messages at once cannot both pass the cap. A seller's reply is not counted.
    """
    if cmd is not Cmd.LEAVE_MESSAGE or actor.kind is not ActorKind.CUSTOMER:
        return
    day = local_day(now)
    today = order.customer_messages
    used = today.count if today is not None and today.day == day else 0
    if used >= cap:
        raise TooManyRequests(
            f"at most {cap} messages a day on one service order; try again tomorrow"
            " (Asia/Shanghai)",
            limit=cap,
            day=day,
        )
    order.customer_messages = DailyCount(day=day, count=used + 1)
