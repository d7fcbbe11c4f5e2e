"""Effects of arbitration, rating, order management's callback and the system's own rules."""

from __future__ import annotations

from collections.abc import Callable

from aftersales_shared.errors import Invalid, InvalidTransition, NotFound
from aftersales_shared.money import show_fen

from order_svc.domain import commands as c
from order_svc.domain.decide import Ctx
from order_svc.domain.effect_steps import add_exchange, issue_refund, need, require
from order_svc.domain.events import ArbitrationOpened
from order_svc.domain.evidence import snapshot
from order_svc.domain.model import Cmd, Outcome
from order_svc.domain.notices import sms
from order_svc.domain.order import ArbitrationInfo, Refund


def request_arbitration(ctx: Ctx) -> None:
    p = need(ctx, c.Arbitration)
    o = ctx.order
    evidence = snapshot(o)
    o.locked = True
    o.arbitration = ArbitrationInfo(
        reason=p.reason, requested_by=ctx.actor.id, requested_at=ctx.now
    )
    ctx.detail = p.reason
    ctx.extra.append(
        ArbitrationOpened(
            order_id=o.id,
            seller_id=o.seller_id,
            reason=p.reason,
            requested_by=ctx.actor.id,
            snapshot=evidence,
        )
    )


def apply_ruling(ctx: Ctx) -> None:
    p = need(ctx, c.Ruling)
    o = ctx.order
    if p.outcome is Outcome.REFUND:
        require(p.amount, "a REFUND ruling needs its amount", "amount")
        assert p.amount is not None
        if o.refund is None:
            issue_refund(ctx, c.fen(p.amount), reason="arbitration", remark=p.note)
        else:
            top_up_refund(ctx, c.fen(p.amount), remark=p.note)
    elif p.outcome is Outcome.EXCHANGE:
        require(p.sku, "an EXCHANGE ruling needs the sku", "sku")
        assert p.sku is not None
        add_exchange(ctx, sku=p.sku)
    elif p.outcome not in (Outcome.RETURN_ORIGINAL, Outcome.CLAIM_REJECTED):
        raise Invalid(f"{p.outcome} is not a ruling", field="outcome")
    o.outcome = p.outcome
    o.locked = False
    case = o.arbitration or ArbitrationInfo(
        reason="", requested_by="platform", requested_at=ctx.now
    )
    amount_fen = None if p.amount is None else c.fen(p.amount)
    o.arbitration = case.model_copy(
        update={
            "case_id": p.case_id,
            "ruling": p.outcome.value,
            "ruled_at": ctx.now,
            "ruled_by": ctx.actor.id,
            "note": p.note,
            "amount_fen": amount_fen,
            "sku": p.sku,
        }
    )
    o.done_at = ctx.now
    shown = "" if amount_fen is None else f" {show_fen(amount_fen)}"
    ctx.detail = (
        f"ruled by the platform (京东介入), case {p.case_id}: {p.outcome.value}{shown}; {p.note}"
    )
    ctx.data |= {"case_id": p.case_id, "ruling": p.outcome.value}


def top_up_refund(ctx: Ctx, amount_fen: int, *, remark: str) -> None:
    """A REFUND ruling on a partly refunded order adds to it, never past the paid amount."""
    o = ctx.order
    left = o.paid_fen - o.refunded_fen
    if amount_fen <= 0 or amount_fen > left:
        raise Invalid(
            f"the ruling's refund exceeds the {show_fen(left)} still refundable", field="amount"
        )
    o.ruling_refund = Refund(
        amount_fen=amount_fen, reason="arbitration", remark=remark, by=ctx.actor.id, at=ctx.now
    )
    ctx.data["refund_amount"] = show_fen(o.refunded_fen)


def rate(ctx: Ctx) -> None:
    p = need(ctx, c.Rate)
    ctx.order.rating, ctx.order.rated_at = p.rating, ctx.now
    ctx.detail = p.rating.value


def exchange_shipped(ctx: Ctx) -> None:
    p = need(ctx, c.ExchangeShippedCmd)
    xo = ctx.order.exchange(p.exchange_order_id)
    if xo is None:
        raise NotFound(f"exchange order {p.exchange_order_id} not found")
    if xo.shipped_at is not None:
        raise InvalidTransition("this exchange order is already shipped")
    xo.shipped_at, xo.tracking_no = p.shipped_at, p.tracking_no
    ctx.exchange_id = xo.id
    ctx.detail = f"exchange order {xo.id} shipped, {p.tracking_no}"


def auto_refund(ctx: Ctx) -> None:
    issue_refund(ctx, ctx.order.paid_fen, reason="auto refund: no receipt within 15 days")
    ctx.order.outcome, ctx.order.done_at = Outcome.AUTO_REFUND, ctx.now


def pre_compensate(ctx: Ctx) -> None:
    issue_refund(ctx, ctx.order.paid_fen, reason="pre-compensation: no decision in 7 days")
    ctx.order.outcome, ctx.order.done_at = Outcome.PRE_COMPENSATION, ctx.now
    ctx.charged_to_seller_fen = ctx.order.paid_fen


def flag(name: str) -> Callable[[Ctx], None]:
    """A system flag that can be raised once (a repeated firing changes nothing)."""

    def effect(ctx: Ctx) -> None:
        if getattr(ctx.order, name):
            raise InvalidTransition(f"{name} is already recorded")
        setattr(ctx.order, name, True)

    return effect


def auto_ship_reminder(ctx: Ctx) -> None:
    ctx.order.reminders_sent += 1
    ctx.detail = f"automatic ship reminder {ctx.order.reminders_sent}"


def return_warning(ctx: Ctx) -> None:
    p = need(ctx, c.Notice)
    params = {"order_no": ctx.order.order_no, "days_left": "5"}
    key = f"v{ctx.order.version + 1}.SELLER_RETURN_WARNING"
    ctx.extra.append(
        sms(
            ctx.order,
            template="SELLER_RETURN_WARNING",
            recipient=p.seller_phone,
            params=params,
            key=key,
        )
    )
    ctx.detail = "seller warned: 5 days left before the auto refund"


def nothing(ctx: Ctx) -> None:
    """Only the state changes."""


EFFECTS: dict[Cmd, Callable[[Ctx], None]] = {
    Cmd.REQUEST_ARBITRATION: request_arbitration,
    Cmd.APPLY_RULING: apply_ruling,
    Cmd.RATE: rate,
    Cmd.EXCHANGE_SHIPPED: exchange_shipped,
    Cmd.AUTO_REFUND: auto_refund,
    Cmd.FEEDBACK_TIMEOUT: nothing,
    Cmd.PRE_COMPENSATE: pre_compensate,
    Cmd.AUDIT_OVERDUE: flag("audit_overdue"),
    Cmd.PROCESS_OVERDUE: flag("process_overdue"),
    Cmd.AUTO_SHIP_REMINDER: auto_ship_reminder,
    Cmd.RETURN_WARNING: return_warning,
}
