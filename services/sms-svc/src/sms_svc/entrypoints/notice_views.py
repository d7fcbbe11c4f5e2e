"""What the API shows of notices, webhooks and deliveries (never a webhook's secret)."""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.contracts.notices import NoticeKind
from pydantic import BaseModel, Field

from sms_svc.domain.notice import Notice
from sms_svc.domain.webhook import Status, Subscription, WebhookDelivery


class NoticeOut(BaseModel):
    id: str
    kind: NoticeKind
    seller_id: str
    order_id: str | None
    order_no: str | None
    text: str
    at: datetime
    """When it happened (after the fact) or was announced (a warning)."""
    due_at: datetime | None
    """On a warning: when the deadline falls."""
    facts: dict[str, str]
    """What the kind tells of: `amount`, `exchange_order_no`, `ruling`, `week`, `streak`..."""
    order_ids: list[str]
    """On a fine: the orders behind it."""


class NoticePage(BaseModel):
    items: list[NoticeOut]
    next_cursor: str | None
    """Pass as `cursor` for the next (older) page; null on the last page."""


PORT = r"([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
"""1 to 65535 (what `domain/addresses.py`, `host_of`, accepts)."""


class WebhookIn(BaseModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=rf"^https?://[A-Za-z0-9.-]+(:{PORT})?([/?#][!-~]*)?$",
        examples=["https://shop.example.com/hooks"],
    )
    """http(s), a host name or IPv4 address (ASCII, no credentials); in production not one that
    resolves to an internal address."""
    secret: str = Field(min_length=16, max_length=200)
    """The HMAC-SHA256 key of `X-Signature`; stored, never shown again."""


class WebhookOut(BaseModel):
    seller_id: str
    url: str
    updated_at: datetime


class TryOut(BaseModel):
    at: datetime
    duration_ms: int
    outcome: str
    """`ok`, `http_<status>`, `timeout`, `error`, or `refused` (the URL's address is internal)."""
    status_code: int | None


class DeliveryOut(BaseModel):
    id: str
    notice_id: str
    status: Status
    status_code: int | None
    """The last attempt's HTTP status (null before any, or after a timeout)."""
    attempts: int
    next_retry: datetime | None
    dead: bool
    redeliveries: int
    tries: list[TryOut]
    created_at: datetime
    updated_at: datetime


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


def notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.id, kind=n.kind, seller_id=n.seller_id, order_id=n.order_id, order_no=n.order_no,
        text=n.text, at=n.at, due_at=n.due_at, facts=n.facts, order_ids=list(n.order_ids),
    )  # fmt: skip


def webhook_out(s: Subscription) -> WebhookOut:
    return WebhookOut(seller_id=s.seller_id, url=s.url, updated_at=s.updated_at)


def delivery_out(d: WebhookDelivery) -> DeliveryOut:
    last = d.tries[-1] if d.tries else None
    return DeliveryOut(
        id=d.id, notice_id=d.notice_id, status=d.status,
        status_code=last.status_code if last else None, attempts=len(d.tries),
        next_retry=d.next_at if d.status == Status.PENDING else None,
        dead=d.status == Status.DEAD, redeliveries=d.redeliveries,
        tries=[TryOut(**t._asdict()) for t in d.tries],
        created_at=d.created_at, updated_at=d.updated_at,
    )  # fmt: skip
