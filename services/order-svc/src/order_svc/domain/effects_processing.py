"""Effects of processing and resolution: receipt, freight, outcomes, reopen, resolve."""

from __future__ import annotations

from collections.abc import Callable

from aftersales_shared.errors import Invalid, Locked
from aftersales_shared.money import show_fen

from order_svc.domain import commands as c
from order_svc.domain.consent import consent_note
from order_svc.domain.decide import Ctx
from order_svc.domain.effect_steps import (
    add_exchange,
    check_refund_amount,
    issue_refund,
    need,
    require,
)
from order_svc.domain.freight import set_return_freight, settle_return_freight
from order_svc.domain.freight_money import (
    refund_return_freight,
    refuse_after_refund,
    require_return_freight,
)
from order_svc.domain.model import PROCESS_COMMANDS, Cmd, Outcome
from order_svc.domain.order import Processing
from order_svc.domain.table import UNDER_ARBITRATION


def receipt(ctx: Ctx) -> None:
    p = need(ctx, c.Receipt)
    o = ctx.order
    if o.locked and p.freight is not None:
        raise Locked(f"{UNDER_ARBITRATION}: the receipt may not change the freight")
    if p.freight is not None:
        o.freight.customer_paid_fen = c.fen(p.freight)
    o.freight = settle_return_freight(o.freight)
    o.freight.return_freight_set = o.freight.return_freight_set or p.freight is not None
    o.receipt_note = p.note
    o.received_at = ctx.now
    ctx.detail = p.note


def return_freight(ctx: Ctx) -> None:
    p = need(ctx, c.ReturnFreight)
    refuse_after_refund(ctx.order)
    ctx.order.freight = set_return_freight(ctx.order.freight, c.fen(p.amount))
    ctx.order.freight.return_freight_set = True
    ctx.detail = f"return freight {show_fen(c.fen(p.amount))}"
    ctx.data["return_freight"] = show_fen(c.fen(p.amount))


def process(ctx: Ctx) -> None:
    p = need(ctx, c.Process)
    o = ctx.order
    if PROCESS_COMMANDS.get(p.outcome) is not ctx.cmd:
        raise Invalid(f"outcome {p.outcome} does not match {ctx.cmd}", field="outcome")
    if p.freight is not None and p.outcome not in OUTBOUND_ON_PROCESSING:
        raise Invalid(
            "freight on processing is the outbound freight of RETURN_ORIGINAL or OFFLINE_EXCHANGE",
            field="freight",
        )
    require_return_freight(o)
    remark = p.remark or ""
    if p.outcome is Outcome.REFUND:
        require(p.amount, "a refund needs its amount", "amount")
        require(p.reason, "a refund needs its reason", "reason")
        assert p.amount is not None
        assert p.reason is not None
        amount = c.fen(p.amount)
        check_refund_amount(ctx, amount)
        if (amount < o.paid_fen or p.exchange_turned_refund) and not remark:
            raise Invalid(
                "a partial refund, or an exchange turned refund, needs a remark", field="remark"
            )
        issue_refund(ctx, amount, reason=p.reason, remark=remark)
    elif p.outcome is Outcome.EXCHANGE:
        require(p.sku, "an exchange needs the new sku", "sku")
        assert p.sku is not None
        if p.amount is not None and c.fen(p.amount) != o.paid_fen:
            raise Invalid("an exchange is for the same amount as the original", field="amount")
        add_exchange(ctx, sku=p.sku)
    elif p.outcome is Outcome.RETURN_ORIGINAL:
        require(remark, "returning the original needs a remark", "remark")
    else:
        require(p.tracking_no, "an offline exchange needs the tracking_no", "tracking_no")
        require(remark, "an offline exchange needs a remark", "remark")
    o.outcome = p.outcome
    o.processing = Processing(
        outcome=p.outcome,
        remark=remark,
        carrier=p.carrier,
        tracking_no=p.tracking_no,
        outbound_freight_fen=None if p.freight is None else c.fen(p.freight),
        by=ctx.actor.id,
        at=ctx.now,
    )
    refund_return_freight(o, ctx.now)
    o.processed_at = o.processed_at or ctx.now
    o.done_at = ctx.now
    ctx.detail = f"{p.outcome.value} {remark}".strip()


OUTBOUND_ON_PROCESSING = frozenset({Outcome.RETURN_ORIGINAL, Outcome.OFFLINE_EXCHANGE})


def reopen(ctx: Ctx) -> None:
    o = ctx.order
    ctx.detail = f"reopened {o.outcome}"
    o.reopened_at = ctx.now
    o.outcome, o.processing, o.done_at = None, None, None


def resolve(ctx: Ctx) -> None:
    p = ctx.payload if isinstance(ctx.payload, c.Resolve) else c.Resolve()
    if p.offline_exchange:
        require(p.tracking_no, "an offline exchange needs the tracking_no", "tracking_no")
        ctx.detail = f"offline exchange {p.tracking_no} {p.remark or ''}".strip()
        ctx.data["offline_exchange_tracking_no"] = p.tracking_no
    ctx.data["resolved_by"] = ctx.actor.role
    ctx.order.done_at = ctx.order.done_at or ctx.now


def resolve_offline(ctx: Ctx) -> None:
    if not isinstance(ctx.payload, c.Resolve) or not ctx.payload.offline_exchange:
        raise Invalid("an offline exchange needs offline_exchange=true", field="offline_exchange")
    resolve(ctx)


def abandon(ctx: Ctx) -> None:
    p = ctx.payload if isinstance(ctx.payload, c.Abandon) else c.Abandon()
    if ctx.actor.kind == "seller":
        consent_note(p.note)
    ctx.order.abandon_note = p.note
    ctx.detail = p.note or "abandoned by the customer"


EFFECTS: dict[Cmd, Callable[[Ctx], None]] = {
    Cmd.REGISTER_RECEIPT: receipt,
    Cmd.SET_RETURN_FREIGHT: return_freight,
    **{cmd: process for cmd in PROCESS_COMMANDS.values()},
    Cmd.REOPEN: reopen,
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: resolve_offline,
    Cmd.MARK_RESOLVED: resolve,
    Cmd.CONFIRM_RESOLVED: resolve,
    Cmd.ABANDON: abandon,
}
