"""The Chinese texts of every SMS template, their parameters' rules, and rendering."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from aftersales_shared.contracts.messages import SMS_TEMPLATES

SEGMENT = 70
"""Characters in one SMS segment (UCS-2); every text aims to fit one."""

SIGNATURE = "【售后】"

NOTICE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "AUDIT_DUE_SOON": ("order_no", "hours_left"),
    "PROCESS_DUE_SOON": ("order_no", "hours_left"),
    "PRE_COMPENSATION_DUE_SOON": ("order_no", "hours_left"),
    "AUTO_REFUND_DUE_SOON": ("order_no", "hours_left"),
    "BOTTOM10_WARNING": ("weeks",),
}
"""The warnings' SMS, which sms-svc sends itself for a notice (never asked for by `sms.send`)."""
PARAMS = SMS_TEMPLATES | NOTICE_TEMPLATES

TEXTS: dict[str, str] = {
    "AUDIT_REJECTED": "服务单{order_no}审核未通过，商家意见：{opinion}",
    "RETURN_APPROVED": "服务单{order_no}已同意退货，请寄回商品并在服务单中填写运单号。",
    "FEEDBACK_REQUESTED": "服务单{order_no}需要您补充反馈，请尽快登录查看并回复。",
    "SHIP_REMINDER": "服务单{order_no}待您寄回商品，请尽快寄出并填写运单号。",
    "REFUND_ISSUED": "服务单{order_no}已退款{amount}元，请注意查收。",
    "REPLACEMENT_SHIPPED": "服务单{order_no}的换新商品已发出，请注意查收。",
    "AUTO_REFUNDED": "服务单{order_no}商家超时未处理，系统已为您退款{amount}元。",
    "ORDER_CLOSED": "服务单{order_no}因超时未反馈已关闭，如有需要可重新申请。",
    "PRE_COMPENSATED": "服务单{order_no}平台已先行赔付{amount}元，请注意查收。",
    "ARBITRATION_RULED": "服务单{order_no}平台介入已处理，结果：{outcome}，详情请登录查看。",
    "SELLER_RETURN_WARNING": (
        "服务单{order_no}退货已寄出，请在{days_left}天内签收处理，逾期将自动退款。"
    ),
}

NOTICE_TEXTS: dict[str, str] = {
    "AUDIT_DUE_SOON": "服务单{order_no}将在{hours_left}小时后审核超时，请尽快审核。",
    "PROCESS_DUE_SOON": "服务单{order_no}将在{hours_left}小时后处理超时并罚款，请尽快处理。",
    "PRE_COMPENSATION_DUE_SOON": (
        "服务单{order_no}将在{hours_left}小时后由平台先行赔付，请尽快审核。"
    ),
    "AUTO_REFUND_DUE_SOON": "服务单{order_no}将在{hours_left}小时后自动退款，请尽快签收处理。",
    "BOTTOM10_WARNING": "店铺已连续{weeks}周位列服务质量后10名，再有一周将提交质控部判定。",
}
ALL_TEXTS = TEXTS | NOTICE_TEXTS

OUTCOMES = {
    "REFUND": "退款",
    "EXCHANGE": "换货",
    "RETURN_ORIGINAL": "退回原商品",
    "CLAIM_REJECTED": "申请未获支持",
}

FREE_TEXT = "opinion"
"""The one free-text parameter: shortened with an ellipsis so the message keeps to one segment."""


class InvalidParams(ValueError):
    """The parameters do not fit the template."""


def _order_no(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", value):
        raise InvalidParams("order_no must be 1-32 letters, digits, '-' or '_'")
    return value


def _amount(value: str) -> str:
    if not re.fullmatch(r"(0|[1-9]\d{0,8})\.\d{2}", value):
        raise InvalidParams("amount must be a yuan amount with two decimals, e.g. 199.00")
    return value


def _opinion(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidParams("opinion must not be empty")
    return text


def _outcome(value: str) -> str:
    try:
        return OUTCOMES[value]
    except KeyError:
        raise InvalidParams(f"outcome must be one of {sorted(OUTCOMES)}") from None


def _days_left(value: str) -> str:
    if not re.fullmatch(r"[1-9]\d?|0", value):
        raise InvalidParams("days_left must be a whole number of days, 0-99")
    return value


def _count(value: str) -> str:
    if not re.fullmatch(r"[1-9]\d{0,2}|0", value):
        raise InvalidParams("hours_left and weeks must be whole numbers, 0-999")
    return value


RULES: dict[str, Callable[[str], str]] = {
    "order_no": _order_no,
    "amount": _amount,
    "opinion": _opinion,
    "outcome": _outcome,
    "days_left": _days_left,
    "hours_left": _count,
    "weeks": _count,
}


def render(template: str, params: Mapping[str, str]) -> str:
    """The text of `template` with `params`, or InvalidParams saying what is wrong."""
    if template not in ALL_TEXTS or template not in PARAMS:
        raise InvalidParams(f"unknown template {template!r}")
    expected = set(PARAMS[template])
    missing, extra = expected - params.keys(), params.keys() - expected
    if missing or extra:
        wanted, lacking, unknown = sorted(expected), sorted(missing), sorted(extra)
        raise InvalidParams(f"{template} takes {wanted}; missing {lacking}, unknown {unknown}")
    values = {name: RULES[name](params[name]) for name in expected}
    text = SIGNATURE + ALL_TEXTS[template].format(**values)
    if FREE_TEXT in values and len(text) > SEGMENT:
        room = len(values[FREE_TEXT]) - (len(text) - SEGMENT) - 1
        values[FREE_TEXT] = values[FREE_TEXT][: max(room, 0)] + "…"
        text = SIGNATURE + ALL_TEXTS[template].format(**values)
    return text
