"""What callers see: amounts as "123.45", audit images hidden from customers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aftersales_shared.money import show_fen

from order_svc.domain.actors import Actor
from order_svc.domain.freight_money import freight_legs
from order_svc.domain.model import ActorKind
from order_svc.domain.money import shown
from order_svc.domain.order import ServiceOrder
from order_svc.domain.table import allowed_actions
from order_svc.domain.warnings import WARNED_BY


def next_deadlines(order: ServiceOrder, now: datetime | None) -> dict[str, str]:
    """The next pending deadline of each kind (not fired, after `now`); the warnings before them
    are the seller's notices (sms-svc), not deadlines of the order."""
    nxt: dict[str, datetime] = {}
    for d in order.deadlines.values():
        if d.fired or d.kind in WARNED_BY:
            continue
        if (now is None or d.due_at > now) and (d.kind not in nxt or d.due_at < nxt[d.kind]):
            nxt[d.kind] = d.due_at
    return {kind: at.isoformat() for kind, at in sorted(nxt.items())}


_NOT_SHOWN: Any = {"deadlines": True, "history": {"__all__": {"request"}}}
"""The armed timers (the view shows `next_deadlines`) and each entry's idempotency slot."""


def order_view(order: ServiceOrder, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """The full order with its history, as this actor may see it."""
    data = order.model_dump(mode="json", exclude=_NOT_SHOWN)
    data["refund_amount"] = show_fen(order.refunded_fen)
    data["freight"]["legs"] = freight_legs(order)
    data["next_deadlines"] = {} if order.locked else next_deadlines(order, now)  # suspended
    data["allowed_actions"] = allowed_actions(order, actor)
    if actor.kind is ActorKind.CUSTOMER and data.get("audit"):
        data["audit"].pop("attachments", None)
    return shown(data)  # type: ignore[no-any-return]


def summary_view(doc: dict[str, Any]) -> dict[str, Any]:
    """A list row, with its soonest deadline (none while locked: its timers are suspended)."""
    row = dict(doc)
    ms, kind = row.pop("next_due_ms", None), row.pop("next_due_kind", None)
    due = None if ms is None or kind is None else datetime.fromtimestamp(ms / 1000, UTC)
    row["next_due"] = None if due is None else {"kind": kind, "at": due.isoformat()}
    if "shipped" in row:
        row["shipped"] = bool(row["shipped"])
    return shown(row)  # type: ignore[no-any-return]
