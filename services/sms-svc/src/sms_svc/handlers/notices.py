"""The notice use cases: record each notice once, then hand it to its channels (the webhook,
and for a warning an SMS to the after-sales contact)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from dataclasses import dataclass
from datetime import timedelta

import structlog
from aftersales_shared.contracts.messages import ServiceOrderEvent, SmsSend
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.messaging import MessageMeta, Typed

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

    async def on_batch(self, messages: list[Typed]) -> None:
        """A batch of the notices queue: its notices recorded together, then the SMS of its
        warnings to the after-sales contact (one per notice, however often it is asked)."""
        found: list[Notice] = []
        texts: list[tuple[SmsSend, MessageMeta]] = []
        for message in messages:
            p, meta = message.payload, message.meta
            if isinstance(p, NoticeRequested):
                notice = from_request(p, at=meta.occurred_at)
                found.append(notice)
                if notice.warning and p.contact_phone is not None:
                    sms = warning_sms(notice, phone=p.contact_phone)
                    texts.append((sms, dataclasses.replace(meta, seller_id=notice.seller_id)))
            elif isinstance(p, ServiceOrderEvent):
                name = meta.type.removeprefix("serviceorder.")
                found += from_order_event(name, p, at=meta.occurred_at)
        await self.record_many(found)
        await asyncio.gather(*(self.sms.send(sms, meta) for sms, meta in texts))

    async def on_requested(self, p: NoticeRequested, meta: MessageMeta) -> None:
        """One `notice.requested` alone (as the batch does it)."""
        await self.on_batch([Typed(p, meta)])

    async def on_order_event(self, p: ServiceOrderEvent, meta: MessageMeta) -> None:
        """The notices an order's transition tells of (none for most transitions), alone."""
        await self.on_batch([Typed(p, meta)])

    async def record_many(self, batch: list[Notice]) -> None:
        """Store a batch's notices (one write), then their deliveries (one write, with the
        first attempts of the new notices' deliveries where the endpoints answered in time).
        Each notice is stored once; a repeat's delivery is made too, idempotent by the
        notice's id, so a crash between the two writes is finished by the redelivery."""
        notices = list({n.id: n for n in batch}.values())
        if not notices:
            return
        fresh = await self.notices.insert_many(notices)
        for notice, new in zip(notices, fresh, strict=True):
            if new:
                log.info("notice", notice_id=notice.id, kind=notice.kind, seller=notice.seller_id)
        await self.webhooks.notify_many(notices, fresh=fresh)

    async def page(self, query: NoticeQuery) -> list[Notice]:
        return await self.notices.search(query)
