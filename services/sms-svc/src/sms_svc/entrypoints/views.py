"""What the API shows of a message: models, masking for sellers, page cursors."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

from aftersales_shared.auth import Principal, Role
from aftersales_shared.errors import Invalid
from aftersales_shared.persistence import Doc
from pydantic import BaseModel

from sms_svc.domain.message import Status
from sms_svc.domain.phone import mask_phone

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


def instant(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def message_out(doc: Doc, principal: Principal) -> MessageOut:
    """The message as `principal` may see it: sellers get every phone number masked."""
    masked = principal.role != Role.PLATFORM_AGENT

    def scrub(text: str) -> str:
        return _DIGITS.sub(r"\1****\3", text) if masked else text

    return MessageOut(
        id=doc["_id"],
        status=Status(doc["status"]),
        reason=scrub(doc["reason"]) if doc.get("reason") else None,
        template=doc["template"],
        phone=mask_phone(doc["phone"]) if masked else doc["phone"],
        text=doc.get("text"),
        order_id=doc.get("order_id"),
        category=doc.get("category"),
        seller_id=doc.get("seller_id"),
        idempotency_key=doc.get("idempotency_key"),
        provider=doc["provider"],
        provider_ref=doc.get("provider_ref"),
        attempts=[
            AttemptOut(
                at=instant(a["at_ms"]),
                duration_ms=a["duration_ms"],
                outcome=a["outcome"],
                answer=scrub(a["answer"]),
            )
            for a in doc.get("attempts", [])
        ],
        operator_retries=int(doc.get("operator_retries", 0)),
        digest_id=doc.get("digest_id"),
        members=[str(m) for m in doc.get("members", [])],
        created_at=instant(doc["created_at_ms"]),
        updated_at=instant(doc["updated_at_ms"]),
    )


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The (created_at_ms, id) a cursor stands for; 422 for one this API did not issue."""
    try:
        at, last = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return int(at), last
    except ValueError:
        raise Invalid("cursor is not one this API handed out") from None


def encode_cursor(doc: Doc) -> str:
    """An opaque cursor pointing just after `doc`."""
    return base64.urlsafe_b64encode(f"{doc['created_at_ms']}|{doc['_id']}".encode()).decode()
