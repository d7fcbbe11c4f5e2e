"""Seller-bound warnings that the rate limit holds back, merged into digests naming every order.

Per-phone limits protect customers; a seller's after-sales contact must still hear of every
coming auto-refund. A warning over the limit is HELD; when the window has room again, one digest
SMS names the oldest held orders (as many as its bound allows) and they become DIGESTED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sms_svc.domain.message import SmsMessage, message_id
from sms_svc.domain.templates import SIGNATURE

__all__ = [
    *("SELLER_BOUND", "Digest", "Held", "compose", "digest_id", "digest_message", "family"),
    "held",
]

DIGEST_TEMPLATE = "SELLER_DIGEST"
DIGEST_MAX_CHARS = 201
"""Three segments of a concatenated SMS (67 UCS-2 characters each); longer digests are split."""
HEAD = "{count}个服务单退货已寄出，最早{days}天后自动退款，请尽快签收处理："
DUE_HEAD = "{count}条售后时效预警，请尽快处理："
"""The head of a digest of deadline warnings (AUDIT_DUE_SOON and the others)."""
LABELS = {"BOTTOM10_WARNING": "服务质量后10名"}
"""What a digest names for a warning about no single order."""


@dataclass(frozen=True)
class Held:
    """A held warning: its message id, the order it names and the days left it announced."""

    message_id: str
    order_no: str
    days_left: int
    template: str = "SELLER_RETURN_WARNING"


def family(template: str) -> str:
    """Which digest a held warning joins: return warnings apart from deadline warnings."""
    return "return" if template == "SELLER_RETURN_WARNING" else "due"


@dataclass(frozen=True)
class Digest:
    id: str
    members: tuple[str, ...]
    """The message ids of the held warnings this digest sends."""
    order_nos: tuple[str, ...]
    text: str


def digest_id(first_member: str) -> str:
    """The digest that starts with `first_member`: the same after a crash, so it is made once."""
    return message_id(f"digest:{first_member}")


def text_of(held: Sequence[Held]) -> str:
    """The digest's text for these warnings (each order named once)."""
    order_nos = list(dict.fromkeys(h.order_no for h in held))
    days = min(h.days_left for h in held)
    head = HEAD if family(held[0].template) == "return" else DUE_HEAD
    return SIGNATURE + head.format(count=len(order_nos), days=days) + "、".join(order_nos)


def compose(held: Sequence[Held], *, max_chars: int = DIGEST_MAX_CHARS) -> Digest:
    """The digest of the oldest held warnings whose text fits `max_chars` (at least one)."""
    if not held:
        raise ValueError("a digest needs at least one held warning")
    taken = [held[0]]
    for candidate in held[1:]:
        if len(text_of([*taken, candidate])) > max_chars:
            break
        taken.append(candidate)
    return Digest(
        id=digest_id(taken[0].message_id),
        members=tuple(h.message_id for h in taken),
        order_nos=tuple(dict.fromkeys(h.order_no for h in taken)),
        text=text_of(taken),
    )


def held(message: SmsMessage) -> Held:
    """A HELD message as the digest sees it."""
    return Held(
        message_id=message.id,
        order_no=str(
            message.params.get("order_no")
            or message.order_id
            or LABELS.get(message.template, message.id)
        ),
        days_left=int(message.params.get("days_left") or 0),
        template=message.template,
    )


def digest_message(
    digest: Digest, *, first: SmsMessage, provider: str, now: datetime, lease_until: datetime
) -> SmsMessage:
    """The QUEUED digest SMS; `first` is its oldest member (phone, seller, trace)."""
    message = SmsMessage.new(
        digest.id, key=f"digest:{first.id}", template=DIGEST_TEMPLATE, provider=provider, now=now
    )
    message.phone, message.text, message.lease_until = first.phone, digest.text, lease_until
    message.seller_id, message.correlation_id = first.seller_id, first.correlation_id
    message.members, message.order_nos = digest.members, digest.order_nos
    return message
