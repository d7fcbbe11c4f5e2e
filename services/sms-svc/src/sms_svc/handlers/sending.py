"""The use cases: take an `sms.send` command, deliver once, retry on an operator's request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import SmsSend
from aftersales_shared.errors import Conflict, NotFound
from aftersales_shared.messaging import MessageMeta, Received
from prometheus_client import Counter
from pydantic import ValidationError

from sms_svc.domain.message import Rejected, SmsMessage, Status, message_id, validate
from sms_svc.domain.phone import mask_phone, phone_or_raw
from sms_svc.handlers.wire import malformed, requested
from sms_svc.ports import MessageStore, OutgoingSms, RateWindowStore, SmsProvider

log = structlog.get_logger(__name__)
SMS_RESULTS = Counter("sms_messages_total", "SMS messages by final status", ["status"])


@dataclass
class SmsService:
    messages: MessageStore
    windows: RateWindowStore
    provider: SmsProvider
    clock: Clock
    lease: timedelta

    async def on_send(self, message: Envelope) -> None:
        """One `sms.send` as it came: a payload that does not validate is recorded REJECTED
        under its envelope (never lost, never retried); a valid one is sent."""
        try:
            command = SmsSend.model_validate(message.payload)
        except ValidationError as exc:
            now = self.clock.now()
            await self._record_final(malformed(message, exc, provider=self.provider.name, now=now))
            return
        await self.send(command, Received(message, attempts=0).meta)

    async def send(self, command: SmsSend, meta: MessageMeta) -> None:
        """Record the message (REJECTED, THROTTLED, HELD or QUEUED), then deliver it once."""
        message = await self._record(command, meta)
        if message is None:
            await self.deliver(message_id(command.idempotency_key))
        elif message.status == Status.QUEUED:
            await self.send_recorded(message)

    async def _record(self, command: SmsSend, meta: MessageMeta) -> SmsMessage | None:
        """Insert the message's record; None if the key was recorded before (a repeat).

        The rate window admits a key once, so a repeat re-admitting it counts nothing twice.
        """
        now = self.clock.now()
        message = requested(
            command,
            seller_id=meta.seller_id,
            envelope_id=meta.id,
            correlation_id=meta.correlation_id,
            provider=self.provider.name,
            now=now,
        )
        verdict = validate(
            recipient=command.recipient, template=command.template, params=command.params
        )
        if isinstance(verdict, Rejected):
            message.reject(phone=phone_or_raw(command.recipient), reason=verdict.reason)
        else:
            message.accept(verdict)
            admission = await self.windows.admit(verdict.phone, key=message.id, now=now)
            message.admit(admission, lease_until=now + self.lease)
        if not await self.messages.insert(message):
            return None
        if message.status not in (Status.QUEUED, Status.HELD):
            self._finished(message)
        return message

    async def _record_final(self, message: SmsMessage) -> None:
        if await self.messages.insert(message):
            self._finished(message)

    def _finished(self, message: SmsMessage, *, attempts: int = 0) -> None:
        SMS_RESULTS.labels(status=message.status.value).inc()
        log.info(
            "sms recorded",
            message_id=message.id,
            status=message.status.value,
            reason=message.reason,
            to=mask_phone(message.phone),
            template=message.template,
            attempts=attempts,
        )

    async def deliver(self, mid: str) -> bool:
        """Deliver a QUEUED message nobody else is delivering; False if there was none to take."""
        message = await self.messages.claim(mid, now=self.clock.now(), lease=self.lease)
        if message is None:
            return False
        await self.send_recorded(message)
        return True

    async def send_recorded(self, message: SmsMessage) -> None:
        """Send a QUEUED message this process holds the lease of, and save the outcome."""
        assert message.text is not None, "a QUEUED message has its text"
        assert message.idempotency_key is not None, "and its key"
        sms = OutgoingSms(
            message_id=message.id,
            phone=message.phone,
            text=message.text,
            idempotency_key=message.idempotency_key,
        )
        delivery = await self.provider.send(sms)
        message.delivered(delivery, now=self.clock.now())
        await self.messages.finish(message)
        self._finished(message, attempts=len(delivery.attempts))

    async def retry(self, mid: str) -> SmsMessage:
        """An operator re-sends a FAILED message: it goes back to QUEUED for the sweeper."""
        message = await self.messages.get(mid)
        if message is None:
            raise NotFound("no such message")
        message.requeue(now=self.clock.now())
        if not await self.messages.requeue(message):
            raise Conflict("the message changed meanwhile; read it again")
        log.info("sms re-queued by an operator", message_id=mid, to=mask_phone(message.phone))
        fresh = await self.messages.get(mid)
        assert fresh is not None
        return fresh

    async def sweep_once(self, *, limit: int = 100, concurrency: int = 16) -> int:
        """Deliver the QUEUED messages whose delivery was interrupted or re-queued; how many."""
        ids = await self.messages.stale(now=self.clock.now(), limit=limit)
        gate = asyncio.Semaphore(concurrency)

        async def one(mid: str) -> bool:
            async with gate:
                return await self.deliver(mid)

        results = await asyncio.gather(*(one(mid) for mid in ids), return_exceptions=True)
        for error in (r for r in results if isinstance(r, BaseException)):
            log.error("sms delivery from the sweep failed", error=repr(error))
        return sum(1 for r in results if r is True)
