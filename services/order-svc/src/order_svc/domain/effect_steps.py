"""The steps the effects share: payload and field guards, the consent note, notes, refunds and
exchange orders."""

from __future__ import annotations

from typing import TypeVar

from aftersales_shared.errors import Invalid, InvalidTransition
from aftersales_shared.money import show_fen

from order_svc.domain import commands as c
from order_svc.domain.decide import Ctx
from order_svc.domain.order import ExchangeOrder, Note, Refund, exchange_order_id

P = TypeVar("P", bound=c.Payload)


def need(ctx: Ctx, kind: type[P]) -> P:
    """The command's payload, of the kind the command needs."""
    if not isinstance(ctx.payload, kind):
        raise Invalid(f"this command needs a {kind.__name__} payload")
    return ctx.payload


def require(value: object, message: str, field: str) -> None:
    """422 with `message` unless `value` is present."""
    if value is None or value == "":
        raise Invalid(message, field=field)


def add_exchange(ctx: Ctx, *, sku: str) -> None:
    """Create an already-approved exchange order: same SKU count, same amount, fixed SKU."""
    o = ctx.order
    xo = ExchangeOrder(
        id=exchange_order_id(o.id, len(o.exchanges) + 1),
        sku=sku,
        quantity=o.quantity,
        amount_fen=o.paid_fen,
        decided_at=ctx.now,
    )
    o.exchanges.append(xo)
    ctx.exchange_id = xo.id
    ctx.data["exchange_sku"] = sku


def note(ctx: Ctx, text: str, photos: list[str] | None = None) -> Note:
    """A message by the acting party, now."""
    return Note(
        author_id=ctx.actor.id,
        author_role=ctx.actor.role,
        text=text,
        photos=photos or [],
        at=ctx.now,
    )


def check_refund_amount(ctx: Ctx, amount_fen: int) -> None:
    """Above 0 and at most what the customer paid."""
    if amount_fen <= 0:
        raise Invalid("the refund amount must be above 0", field="amount")
    if amount_fen > ctx.order.paid_fen:
        raise Invalid(
            f"the refund may not exceed the paid {show_fen(ctx.order.paid_fen)}", field="amount"
        )


def issue_refund(ctx: Ctx, amount_fen: int, *, reason: str, remark: str = "") -> None:
    """Refund once, never above what the customer paid; it cannot be undone."""
    o = ctx.order
    if o.refund is not None:
        raise InvalidTransition("a refund was already issued for this order; it is final")
    check_refund_amount(ctx, amount_fen)
    o.refund = Refund(
        amount_fen=amount_fen, reason=reason, remark=remark, by=ctx.actor.id, at=ctx.now
    )
    ctx.data["refund_amount"] = show_fen(amount_fen)
