"""Effects from the receipt on: processing, resolution, arbitration, rating, system rules."""

from __future__ import annotations

from collections.abc import Callable

from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.errors import Invalid, InvalidTransition, NotFound

from order_svc.domain import commands as c
from order_svc.domain.decide import Ctx
from order_svc.domain.events import Outgoing
from order_svc.domain.freight import set_return_freight, settle_return_freight
from order_svc.domain.model import PROCESS_COMMANDS, REOPENABLE, Cmd, Outcome
from order_svc.domain.money import show
from order_svc.domain.notices import sms
from order_svc.domain.order import ArbitrationInfo, Processing, Refund
from order_svc.domain.tools import add_exchange, need, require


def check_refund_amount(ctx: Ctx, amount_fen: int) -> None:
    """Above 0 and at most what the customer paid."""
    if amount_fen <= 0:
        raise Invalid("the refund amount must be above 0", field="amount")
    if amount_fen > ctx.order.paid_fen:
        raise Invalid(
            f"the refund may not exceed the paid {show(ctx.order.paid_fen)}", field="amount"
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
    ctx.data["refund_amount"] = show(amount_fen)


def receipt(ctx: Ctx) -> None:
    p = need(ctx, c.Receipt)
    o = ctx.order
    if p.freight is not None:
        o.freight.customer_paid_fen = c.fen(p.freight)
    o.freight = settle_return_freight(o.freight)
    o.receipt_note = p.note
    o.received_at = ctx.now
    ctx.detail = p.note


def return_freight(ctx: Ctx) -> None:
    p = need(ctx, c.ReturnFreight)
    ctx.order.freight = set_return_freight(ctx.order.freight, c.fen(p.amount))
    ctx.detail = f"return freight {show(c.fen(p.amount))}"
    ctx.data["return_freight"] = show(c.fen(p.amount))


def process(ctx: Ctx) -> None:
    p = need(ctx, c.Process)
    o = ctx.order
    if PROCESS_COMMANDS.get(p.outcome) is not ctx.cmd:
        raise Invalid(f"outcome {p.outcome} does not match {ctx.cmd}", field="outcome")
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
        by=ctx.actor.id,
        at=ctx.now,
    )
    o.processed_at = o.processed_at or ctx.now
    o.done_at = ctx.now
    ctx.detail = f"{p.outcome.value} {remark}".strip()


def reopen(ctx: Ctx) -> None:
    o = ctx.order
    if o.outcome not in REOPENABLE:
        raise InvalidTransition("only RETURN_ORIGINAL or OFFLINE_EXCHANGE outcomes can be reopened")
    ctx.detail = f"reopened {o.outcome}"
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
        require(p.note, "note the customer's consent to abandon", "note")
    ctx.order.abandon_note = p.note
    ctx.detail = p.note or "abandoned by the customer"


def request_arbitration(ctx: Ctx) -> None:
    p = need(ctx, c.Arbitration)
    o = ctx.order
    o.locked = True
    o.arbitration = ArbitrationInfo(
        reason=p.reason, requested_by=ctx.actor.id, requested_at=ctx.now
    )
    ctx.detail = p.reason
    snapshot = {
        "status": o.status.value,
        "order_no": o.order_no,
        "paid_amount": show(o.paid_fen),
        "refund_amount": show(o.refunded_fen),
        "outcome": o.outcome,
        "category": o.category,
        "customer_id": o.customer_id,
    }
    payload = ArbitrationRequested(
        order_id=o.id,
        seller_id=o.seller_id,
        reason=p.reason,
        requested_by=ctx.actor.id,
        snapshot=snapshot,
    )
    ctx.extra.append(Outgoing(type="arbitration.requested", payload=payload, key="arbitration"))


def apply_ruling(ctx: Ctx) -> None:
    p = need(ctx, c.Ruling)
    o = ctx.order
    if p.outcome is Outcome.REFUND:
        require(p.amount, "a REFUND ruling needs its amount", "amount")
        assert p.amount is not None
        if o.refund is None:
            issue_refund(ctx, c.fen(p.amount), reason="arbitration", remark=p.note)
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
    o.arbitration = case.model_copy(
        update={"case_id": p.case_id, "ruling": p.outcome.value, "ruled_at": ctx.now}
    )
    o.done_at = ctx.now
    ctx.detail = f"ruling {p.outcome.value}: {p.note}"
    ctx.data |= {"case_id": p.case_id, "ruling": p.outcome.value}


def rate(ctx: Ctx) -> None:
    p = need(ctx, c.Rate)
    if ctx.order.rating is not None:
        raise InvalidTransition("this order has already been rated")
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
    if ctx.order.shipment is not None:
        raise InvalidTransition("the customer has already shipped the goods back")
    ctx.detail = "automatic ship reminder"


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
    Cmd.REGISTER_RECEIPT: receipt,
    Cmd.SET_RETURN_FREIGHT: return_freight,
    **{cmd: process for cmd in PROCESS_COMMANDS.values()},
    Cmd.REOPEN: reopen,
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: resolve_offline,
    Cmd.MARK_RESOLVED: resolve,
    Cmd.CONFIRM_RESOLVED: resolve,
    Cmd.ABANDON: abandon,
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
