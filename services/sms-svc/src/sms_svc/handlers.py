"""The use cases: take an `sms.send` command, deliver once, retry on an operator's request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.errors import Conflict, NotFound
from aftersales_shared.persistence import Doc
from prometheus_client import Counter
from pydantic import ValidationError

from sms_svc.domain.digest import SELLER_BOUND
from sms_svc.domain.message import (
    Event,
    Rejected,
    Status,
    message_id,
    next_status,
    validate,
)
from sms_svc.domain.phone import mask_phone
from sms_svc.ports import Delivery, MessageStore, OutgoingSms, RateWindowStore, SmsProvider
from sms_svc.records import brief, new_record, phone_or_raw

log = structlog.get_logger(__name__)
SMS_RESULTS = Counter("sms_messages_total", "SMS messages by final status", ["status"])


@dataclass
class SmsService:
    messages: MessageStore
    windows: RateWindowStore
    provider: SmsProvider
    clock: Clock
    lease_ms: int

    def now_ms(self) -> int:
        """The clock's now in epoch milliseconds."""
        return int(self.clock.now().timestamp() * 1000)

    async def on_send(self, message: Envelope) -> None:
        """Handle one `sms.send`: record it (REJECTED, THROTTLED or QUEUED), then deliver once."""
        try:
            command = SmsSend.model_validate(message.payload)
        except ValidationError as exc:
            await self._reject_malformed(message, reason=brief(exc))
            return
        mid = message_id(command.idempotency_key)
        doc = await self._record(message, command, mid)
        if doc is None:
            await self.deliver(mid)
        elif doc["status"] == Status.QUEUED:
            await self.send_recorded(doc)

    async def _record(self, message: Envelope, command: SmsSend, mid: str) -> Doc | None:
        """Insert the message's record; None if the key was recorded before (a repeat).

        The rate window admits a key once, so a repeat re-admitting it counts nothing twice.
        """
        now = self.now_ms()
        verdict = validate(
            recipient=command.recipient, template=command.template, params=command.params
        )
        doc = new_record(
            message,
            provider=self.provider.name,
            mid=mid,
            key=command.idempotency_key,
            template=command.template,
            params=dict(command.params),
            order_id=command.order_id,
            category=command.category,
            now=now,
        )
        if isinstance(verdict, Rejected):
            doc |= {"phone": phone_or_raw(command.recipient)}
            doc |= {"status": Status.REJECTED, "reason": verdict.reason}
        else:
            doc |= {"phone": verdict.phone, "text": verdict.text}
            admission = await self.windows.admit(verdict.phone, key=mid, now_ms=now)
            if admission.allowed:
                doc |= {"status": Status.QUEUED, "lease_until_ms": now + self.lease_ms}
            elif command.template in SELLER_BOUND:
                doc |= {"status": Status.HELD, "reason": f"held for a digest: {admission.reason}"}
            else:
                doc |= {"status": Status.THROTTLED, "reason": admission.reason}
        doc["status"] = Status(doc["status"]).value
        if not await self.messages.insert(doc):
            return None
        if doc["status"] not in (Status.QUEUED, Status.HELD):
            self._finished(doc, attempts=0)
        return doc

    async def _reject_malformed(self, message: Envelope, *, reason: str) -> None:
        raw = message.payload
        order_id, category = raw.get("order_id"), raw.get("category")
        doc = new_record(
            message,
            provider=self.provider.name,
            mid=message_id(f"envelope:{message.id}"),
            key=str(raw.get("idempotency_key", ""))[:200] or None,
            template=str(raw.get("template", ""))[:64],
            params={},
            order_id=order_id if isinstance(order_id, str) else None,
            category=category[:100] if isinstance(category, str) and category else None,
            now=self.now_ms(),
        )
        doc |= {
            "phone": phone_or_raw(str(raw.get("recipient", ""))[:32]),
            "status": Status.REJECTED.value,
            "reason": f"invalid command: {reason}",
        }
        if await self.messages.insert(doc):
            self._finished(doc, attempts=0)

    def _finished(self, doc: Doc, *, attempts: int) -> None:
        SMS_RESULTS.labels(status=doc["status"]).inc()
        log.info(
            "sms recorded",
            message_id=doc["_id"],
            status=doc["status"],
            reason=doc["reason"],
            to=mask_phone(doc["phone"]),
            template=doc["template"],
            attempts=attempts,
        )

    async def deliver(self, mid: str) -> bool:
        """Deliver a QUEUED message nobody else is delivering; False if there was none to take."""
        doc = await self.messages.claim(mid, now_ms=self.now_ms(), lease_ms=self.lease_ms)
        if doc is None:
            return False
        await self.send_recorded(doc)
        return True

    async def send_recorded(self, doc: Doc) -> None:
        """Send a QUEUED record this process has just inserted (it holds its lease)."""
        sms = OutgoingSms(
            message_id=doc["_id"],
            phone=doc["phone"],
            text=doc["text"],
            idempotency_key=doc["idempotency_key"],
        )
        delivery: Delivery = await self.provider.send(sms)
        event = Event.DELIVERED if delivery.ok else Event.DELIVERY_FAILED
        status = next_status(Status(doc["status"]), event)
        attempts = [*doc.get("attempts", []), *(a.as_doc() for a in delivery.attempts)]
        last = delivery.attempts[-1].outcome if delivery.attempts else "none"
        tries = len(delivery.attempts)
        changes: dict[str, Any] = {
            "status": status.value,
            "attempts": attempts,
            "provider_ref": delivery.provider_ref,
            "reason": None
            if delivery.ok
            else f"provider: {last} after {len(delivery.attempts)} attempts",
            "updated_at_ms": self.now_ms(),
            "lease_until_ms": 0,
        }
        await self.messages.finish(doc["_id"], changes=changes)
        self._finished({**doc, **changes}, attempts=tries)

    async def retry(self, mid: str) -> Doc:
        """An operator re-sends a FAILED message: it goes back to QUEUED for the sweeper."""
        doc = await self.messages.get(mid)
        if doc is None:
            raise NotFound("no such message")
        next_status(Status(doc["status"]), Event.RETRY_REQUESTED)
        if not await self.messages.requeue(mid, now_ms=self.now_ms()):
            raise Conflict("the message changed meanwhile; read it again")
        log.info("sms re-queued by an operator", message_id=mid, to=mask_phone(doc["phone"]))
        fresh = await self.messages.get(mid)
        assert fresh is not None
        return fresh

    async def sweep_once(self, *, limit: int = 100, concurrency: int = 16) -> int:
        """Deliver the QUEUED messages whose delivery was interrupted or re-queued; how many."""
        ids = await self.messages.stale(now_ms=self.now_ms(), limit=limit)
        gate = asyncio.Semaphore(concurrency)

        async def one(mid: str) -> bool:
            async with gate:
                return await self.deliver(mid)

        results = await asyncio.gather(*(one(mid) for mid in ids), return_exceptions=True)
        for error in (r for r in results if isinstance(r, BaseException)):
            log.error("sms delivery from the sweep failed", error=repr(error))
        return sum(1 for r in results if r is True)
