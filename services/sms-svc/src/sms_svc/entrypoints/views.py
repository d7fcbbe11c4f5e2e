"""What the API shows of a message: models, masking for sellers, page cursors."""

from __future__ import annotations

import base64
import re
from datetime import datetime

from aftersales_shared.auth import Principal, Role
from aftersales_shared.errors import Invalid
from pydantic import BaseModel

from sms_svc.adapters.message_docs import from_ms, to_ms
from sms_svc.domain.message import SmsMessage, Status
from sms_svc.domain.phone import mask_phone

_AS_STORED = (
    *("id", "status", "template", "text", "order_id", "category", "seller_id"),
    *("idempotency_key", "provider", "provider_ref", "operator_retries", "digest_id"),
    *("created_at", "updated_at"),
)
"""The fields every caller sees as the message has them (the others are masked for sellers)."""
_DIGITS = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


class AttemptOut(BaseModel):
    at: datetime
    duration_ms: int
    outcome: str
    answer: str


class MessageOut(BaseModel):
    id: str
    status: Status
    reason: str | None
    template: str
    phone: str
    """Masked (138****1234) for sellers; in full for the platform."""
    text: str | None
    order_id: str | None
    category: str | None = None
    """The order's category (staff see their categories' messages); none on a digest."""
    seller_id: str | None
    idempotency_key: str | None
    provider: str
    provider_ref: str | None
    attempts: list[AttemptOut]
    operator_retries: int
    digest_id: str | None = None
    """On a DIGESTED warning: the digest SMS that named its order."""
    members: list[str] = []
    """On a digest SMS: the ids of the held warnings it sends."""
    created_at: datetime
    updated_at: datetime


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None
    """Pass as `cursor` for the next (older) page; null on the last page."""


def message_out(message: SmsMessage, principal: Principal) -> MessageOut:
    """The message as `principal` may see it: sellers get every phone number masked."""
    masked = principal.role != Role.PLATFORM_AGENT

    def scrub(text: str) -> str:
        return _DIGITS.sub(r"\1****\3", text) if masked else text

    shown = {name: getattr(message, name) for name in _AS_STORED}
    return MessageOut(
        **shown,
        reason=scrub(message.reason) if message.reason else None,
        phone=mask_phone(message.phone) if masked else message.phone,
        attempts=[
            AttemptOut(
                at=a.at, duration_ms=a.duration_ms, outcome=a.outcome, answer=scrub(a.answer)
            )
            for a in message.attempts
        ],
        members=list(message.members),
    )


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created_at, id) a cursor stands for; 422 for one this API did not issue."""
    try:
        at, last = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return from_ms(int(at)), last
    except (ValueError, OverflowError):
        raise Invalid("cursor is not one this API handed out") from None


def encode_cursor(message: SmsMessage) -> str:
    """An opaque cursor pointing just after `message` (its creation as stored, its id)."""
    return cursor_after(message.created_at, message.id)


def cursor_after(instant: datetime, item_id: str) -> str:
    """An opaque cursor pointing just after the item at (`instant`, `item_id`) of a page."""
    return base64.urlsafe_b64encode(f"{to_ms(instant)}|{item_id}".encode()).decode()
