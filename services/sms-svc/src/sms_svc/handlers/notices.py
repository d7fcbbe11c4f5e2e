"""The notice use cases: record each notice once, then hand it to its channels (the webhook,
and for a warning an SMS to the after-sales contact)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import timedelta

import structlog
from aftersales_shared.contracts.messages import ServiceOrderEvent, SmsSend
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.messaging import MessageMeta

from sms_svc.domain.notice import Notice, from_order_event, from_request
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.webhooks import WebhookService
from sms_svc.ports import NoticeQuery, NoticeStore

log = structlog.get_logger(__name__)


def warning_sms(notice: Notice, *, phone: str) -> SmsSend:
    """The SMS of a warning to the seller's after-sales contact; one per notice."""
    if notice.kind == "BOTTOM10_WARNING":
        params = {"weeks": notice.facts.get("streak", "2")}
    else:
        assert notice.due_at is not None, "a warning has its due date"
        left = max(notice.due_at - notice.at, timedelta(0)) / timedelta(hours=1)
        params = {
            "order_no": notice.order_no or notice.order_id or "",
            "hours_left": str(min(math.ceil(left), 999)),
        }
    return SmsSend(
        recipient=phone, template=notice.kind, params=params, order_id=notice.order_id,
        category=notice.category, idempotency_key=f"notice:{notice.id}",
    )  # fmt: skip


@dataclass
class NoticeService:
    notices: NoticeStore
    webhooks: WebhookService
    sms: SmsService

    async def on_requested(self, p: NoticeRequested, meta: MessageMeta) -> None:
        """A warning or a fine another service asks the seller to be told of."""
        await self.record(from_request(p, at=meta.occurred_at), meta, phone=p.contact_phone)

    async def on_order_event(self, p: ServiceOrderEvent, meta: MessageMeta) -> None:
        """The notices an order's transition tells of (none for most transitions)."""
        name = meta.type.removeprefix("serviceorder.")
        for notice in from_order_event(name, p, at=meta.occurred_at):
            await self.record(notice, meta, phone=None)

    async def record(self, notice: Notice, meta: MessageMeta, *, phone: str | None) -> None:
        """Store the notice once; its channels run on a repeat too, each idempotent by the
        notice's id, so a crash between the insert and a channel is finished by a redelivery."""
        fresh = await self.notices.insert(notice)
        if fresh:
            log.info("notice", notice_id=notice.id, kind=notice.kind, seller_id=notice.seller_id)
        await self.webhooks.notify(notice)
        if notice.warning and phone is not None:
            await self.sms.send(
                warning_sms(notice, phone=phone),
                dataclasses.replace(meta, seller_id=notice.seller_id),
            )

    async def page(self, query: NoticeQuery) -> list[Notice]:
        return await self.notices.search(query)
