"""The notice use cases: record each notice once, then hand it to its channels (the webhook,
and for a warning an SMS to the after-sales contact)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Awaitable, Callable
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


@dataclass(frozen=True)
class Asked:
    """A notice as a message tells of it."""

    notice: Notice
    meta: MessageMeta


@dataclass
class NoticeService:
    notices: NoticeStore
    webhooks: WebhookService
    sms: SmsService
    submit: Callable[[Asked], Awaitable[None]] | None = None
    """Record one notice with the others arriving meanwhile (bootstrap sets a batcher of
    `record_many`); unset, each is recorded alone."""

    async def on_requested(self, p: NoticeRequested, meta: MessageMeta) -> None:
        """A warning or a fine another service asks the seller to be told of; a warning with
        the contact's phone is also an SMS (sent by this message's handler, not its batch)."""
        notice = from_request(p, at=meta.occurred_at)
        await self.record(Asked(notice, meta))
        if notice.warning and p.contact_phone is not None:
            await self.sms.send(
                warning_sms(notice, phone=p.contact_phone),
                dataclasses.replace(meta, seller_id=notice.seller_id),
            )

    async def on_order_event(self, p: ServiceOrderEvent, meta: MessageMeta) -> None:
        """The notices an order's transition tells of (none for most transitions)."""
        name = meta.type.removeprefix("serviceorder.")
        found = from_order_event(name, p, at=meta.occurred_at)
        await asyncio.gather(*(self.record(Asked(notice, meta)) for notice in found))

    async def record(self, asked: Asked) -> None:
        if self.submit is None:
            await self.record_many([asked])
        else:
            await self.submit(asked)

    async def record_many(self, batch: list[Asked]) -> list[None]:
        """Store a batch's notices (one write) while their sellers' webhooks are read (one
        read), then their deliveries (one write), handed to the worker. Each notice is stored
        once; its delivery is made on a repeat too, idempotent by the notice's id, so a crash
        between the two writes is finished by the message's redelivery."""
        notices = [asked.notice for asked in batch]
        fresh, subscribed = await asyncio.gather(
            self.notices.insert_many(notices),
            self.webhooks.subscribed({n.seller_id for n in notices}),
        )
        for notice, new in zip(notices, fresh, strict=True):
            if new:
                log.info("notice", notice_id=notice.id, kind=notice.kind, seller=notice.seller_id)
        await self.webhooks.notify_many(notices, subscribed=subscribed)
        return [None] * len(batch)

    async def page(self, query: NoticeQuery) -> list[Notice]:
        return await self.notices.search(query)
