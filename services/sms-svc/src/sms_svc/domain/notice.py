"""A seller's notice: what the system did or is about to do to the seller's orders, and its text.

A notice is made from the message that tells of it (`from_request`, `from_order_event`), under an
id derived from a deterministic key, so however often that message arrives it is one notice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.contracts.notices import WARNING_KINDS, NoticeRequested

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""UTC+8 all year: Asia/Shanghai has had no daylight saving time since 1991."""
RULINGS = {
    "REFUND": "退款",
    "EXCHANGE": "换新",
    "RETURN_ORIGINAL": "退回原商品",
    "CLAIM_REJECTED": "客户申请未获支持",
}
TEXTS = {
    "AUDIT_DUE_SOON": "服务单{order_no}将于{due}审核超时，超时计入未审核罚款，请尽快审核。",
    "PROCESS_DUE_SOON": "服务单{order_no}将于{due}处理超时，超时罚款2000元，请尽快处理。",
    "PRE_COMPENSATION_DUE_SOON": "服务单{order_no}将于{due}由平台先行赔付、商家承担，请尽快审核。",
    "AUTO_REFUND_DUE_SOON": "服务单{order_no}将于{due}自动退款，请尽快签收处理。",
    "BOTTOM10_WARNING": (
        "店铺已连续{streak}周位列服务质量后10名（至{week}），再有一周将提交质控部判定。"
    ),
    "EXCHANGE_ORDER_CREATED": "服务单{order_no}已生成换新单{exchange_order_no}，已交订单系统处理。",
    "AUTO_REFUNDED": "服务单{order_no}退货超时未签收，系统已退款{amount}元。",
    "PRE_COMPENSATED": "服务单{order_no}超时未审核，平台已先行赔付，商家承担{amount}元。",
    "FINED": "罚款{amount}元，涉及{count}个服务单：{orders}。",
    "RULED": "服务单{order_no}平台仲裁结果：{ruling}。",
}


@dataclass(frozen=True)
class Notice:
    """One notice to one seller; `due_at` on a warning, `facts` what its kind tells of."""

    id: str
    seller_id: str
    kind: str
    at: datetime
    text: str
    order_id: str | None = None
    order_no: str | None = None
    category: str | None = None
    due_at: datetime | None = None
    facts: dict[str, str] = field(default_factory=dict)
    order_ids: tuple[str, ...] = ()

    @property
    def warning(self) -> bool:
        return self.kind in WARNING_KINDS


def notice_id(key: str) -> str:
    """The notice's id, derived from its key so a repeat finds the same notice."""
    return "ntc_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def render(kind: str, facts: dict[str, str], *, due_at: datetime | None) -> str:
    """The Chinese text of a notice (deadlines in Asia/Shanghai time)."""
    values = dict(facts)
    if due_at is not None:
        values["due"] = due_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    return TEXTS[kind].format_map(_Blank(values))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "-"


def from_request(p: NoticeRequested, *, at: datetime) -> Notice:
    """The notice a `notice.requested` asks for."""
    facts = {"order_no": p.order_no or p.order_id or ""}
    if p.amount is not None:
        facts["amount"] = p.amount
    if p.order_ids:
        facts |= {"count": str(len(p.order_ids)), "orders": "、".join(p.order_ids[:20])}
    if p.week is not None:
        facts["week"] = p.week
    if p.streak is not None:
        facts["streak"] = str(p.streak)
    return Notice(
        id=notice_id(p.notice_key), seller_id=p.seller_id, kind=p.kind, at=at,
        text=render(p.kind, facts, due_at=p.due_at), order_id=p.order_id, order_no=p.order_no,
        category=p.category, due_at=p.due_at, facts=facts, order_ids=tuple(p.order_ids),
    )  # fmt: skip


def order_event_kind(name: str, e: ServiceOrderEvent) -> str | None:
    """Which notice a `serviceorder.<name>` event is, if any (see contracts.notices)."""
    if name == "auto_refunded":
        return "AUTO_REFUNDED"
    if name == "pre_compensated":
        return "PRE_COMPENSATED"
    if e.exchange_order_id is not None and "exchange_sku" in e.data:
        return "EXCHANGE_ORDER_CREATED"
    if name == "ruling_applied":
        return "RULED"
    return None


def from_order_event(name: str, e: ServiceOrderEvent, *, at: datetime) -> list[Notice]:
    """The notices a transition of an order tells of: a ruling that creates an exchange order
    is both RULED and EXCHANGE_ORDER_CREATED."""
    kinds = [order_event_kind(name, e)]
    if name == "ruling_applied" and kinds[0] == "EXCHANGE_ORDER_CREATED":
        kinds.append("RULED")
    return [_of_order(kind, name, e, at=at) for kind in kinds if kind is not None]


def _of_order(kind: str, name: str, e: ServiceOrderEvent, *, at: datetime) -> Notice:
    facts = {"order_no": e.order_no}
    key = f"{kind}:{e.order_id}"
    if kind == "EXCHANGE_ORDER_CREATED" and e.exchange_order_id is not None:
        facts["exchange_order_no"] = e.exchange_order_id
        key = f"{kind}:{e.exchange_order_id}"
    elif kind == "AUTO_REFUNDED":
        facts["amount"] = e.refund_amount or e.paid_amount
    elif kind == "PRE_COMPENSATED":
        facts["amount"] = e.charged_to_seller or e.paid_amount
    elif kind == "RULED":
        ruling = str(e.data.get("ruling") or e.outcome or "")
        facts |= {"ruling": RULINGS.get(ruling, ruling), "outcome": ruling}
        if e.refund_amount is not None:
            facts["amount"] = e.refund_amount
    return Notice(
        id=notice_id(key), seller_id=e.seller_id, kind=kind, at=at,
        text=render(kind, facts, due_at=None), order_id=e.order_id, order_no=e.order_no,
        category=e.category, facts=facts,
    )  # fmt: skip
