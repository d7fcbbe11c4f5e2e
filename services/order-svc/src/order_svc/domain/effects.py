"""What each accepted command changes on the order (guards on the payload come first)."""

from __future__ import annotations

from collections.abc import Callable

from aftersales_shared.errors import Invalid

from order_svc.domain import commands as c
from order_svc.domain import effects_processing, effects_system
from order_svc.domain.batches import check_assignee
from order_svc.domain.consent import consent_note
from order_svc.domain.decide import Ctx
from order_svc.domain.effect_steps import add_exchange, need, note, require
from order_svc.domain.model import AUDIT_COMMANDS, AuditResult, Cmd, Outcome
from order_svc.domain.order import AuditRecord, Shipment

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 800 * 1024
DEFAULT_OPINION = {
    AuditResult.RESHIP: "您好,我们将为您补发新商品,无需退回原商品。",
    AuditResult.APPROVE_RETURN: "您好,您的申请已审核通过,请将商品寄回并填写发运信息。",
    AuditResult.REQUEST_FEEDBACK: "您好,请补充上传商品问题照片或说明,以便我们尽快处理。",
    AuditResult.REJECT: "您好,经核实您的申请不符合售后条件,如有疑问可重新提交申请。",
    AuditResult.CUSTOMER_ABANDON: "经与您沟通确认,您已同意放弃本次售后申请。",
}


def assign(ctx: Ctx) -> None:
    p = need(ctx, c.AssignTo)
    check_assignee(p.staff_id, p.permissions)
    if ctx.order.category not in p.categories:
        raise Invalid(f"staff {p.staff_id} does not handle {ctx.order.category}", field="staff_id")
    ctx.order.assignee = p.staff_id
    ctx.order.claimed_at = ctx.now
    ctx.detail = f"assigned to {p.staff_id}"
    ctx.data["staff_id"] = p.staff_id


def claim(ctx: Ctx) -> None:
    ctx.order.assignee = ctx.actor.id
    ctx.order.claimed_at = ctx.now
    ctx.data["staff_id"] = ctx.actor.id


def audit(ctx: Ctx) -> None:
    p = need(ctx, c.Audit)
    if AUDIT_COMMANDS[p.result] is not ctx.cmd:
        raise Invalid(f"result {p.result} does not match {ctx.cmd}", field="result")
    if len(p.attachments) > MAX_ATTACHMENTS:
        raise Invalid(f"at most {MAX_ATTACHMENTS} audit images", field="attachments")
    for a in p.attachments:
        if not a.content_type.startswith("image/"):
            raise Invalid(f"{a.filename} is not an image", field="attachments")
        if a.size_bytes >= MAX_ATTACHMENT_BYTES:
            raise Invalid(f"{a.filename} is not under 800 KB", field="attachments")
    o = ctx.order
    if p.result is AuditResult.RESHIP:
        require(p.reship_sku, "RESHIP needs reship_sku (a SKU of your own store)", "reship_sku")
        assert p.reship_sku is not None
        add_exchange(ctx, sku=p.reship_sku)
        o.outcome = Outcome.RESHIP
        o.done_at = ctx.now
    consent = ""
    if p.result is AuditResult.CUSTOMER_ABANDON:
        o.abandon_note = consent_note(p.note)
        consent = f"; consent: {o.abandon_note}"
    blank = p.opinion is None or not p.opinion.strip()  # a blank opinion cannot be texted
    opinion = DEFAULT_OPINION[p.result] if blank else p.opinion
    o.audit = AuditRecord(
        result=p.result,
        opinion=opinion,
        attachments=list(p.attachments),
        by=ctx.actor.id,
        at=ctx.now,
    )
    o.audited_at = o.audited_at or ctx.now
    o.customer_responded = False
    ctx.audit_result = p.result.value
    ctx.detail = f"{p.result.value}: {opinion}{consent}"


def feedback(ctx: Ctx) -> None:
    p = need(ctx, c.Feedback)
    ctx.order.feedback.append(note(ctx, p.text, p.photos))
    ctx.order.customer_responded = True
    ctx.detail = p.text


def record_shipment(ctx: Ctx) -> None:
    p = need(ctx, c.ShipmentIn)
    o = ctx.order
    o.shipment = Shipment(
        carrier=p.carrier,
        tracking_no=p.tracking_no,
        freight_fen=c.fen(p.freight),
        by=ctx.actor.id,
        at=ctx.now,
    )
    o.shipped_at = o.shipped_at or ctx.now
    o.freight.customer_paid_fen = c.fen(p.freight)
    by = "customer" if ctx.actor.kind == "customer" else "seller on the customer's behalf"
    ctx.detail = f"{p.carrier} {p.tracking_no}, by {by}"
    ctx.data |= {"carrier": p.carrier, "tracking_no": p.tracking_no}


def remind_ship(ctx: Ctx) -> None:
    ctx.detail = "manual ship reminder"


def message(ctx: Ctx) -> None:
    p = need(ctx, c.Message)
    ctx.order.messages.append(note(ctx, p.text))
    ctx.detail = p.text


EFFECTS: dict[Cmd, Callable[[Ctx], None]] = {
    Cmd.ASSIGN: assign,
    Cmd.CLAIM: claim,
    **{cmd: audit for cmd in AUDIT_COMMANDS.values()},
    Cmd.FEEDBACK: feedback,
    Cmd.RECORD_SHIPMENT: record_shipment,
    Cmd.REMIND_SHIP: remind_ship,
    Cmd.LEAVE_MESSAGE: message,
    Cmd.REPLY: message,
    **effects_processing.EFFECTS,
    **effects_system.EFFECTS,
}
