"""The `sms.send` contract as the service layer maps it: a command (valid or not) into the
message it asks for."""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import SmsSend
from pydantic import ValidationError

from sms_svc.domain.message import SmsMessage, message_id
from sms_svc.domain.phone import phone_or_raw


def requested(
    command: SmsSend,
    *,
    seller_id: str | None,
    envelope_id: str,
    correlation_id: str,
    provider: str,
    now: datetime,
) -> SmsMessage:
    """The message an `sms.send` asks for, before validation decides its status."""
    key = command.idempotency_key
    message = SmsMessage.new(
        message_id(key), key=key, template=command.template, provider=provider, now=now
    )
    message.params, message.order_id = dict(command.params), command.order_id
    message.category, message.seller_id = command.category, seller_id
    message.envelope_id, message.correlation_id = envelope_id, correlation_id
    return message


def malformed(
    message: Envelope, error: ValidationError, *, provider: str, now: datetime
) -> SmsMessage:
    """The REJECTED record of an `sms.send` whose payload does not validate, under its
    envelope's id (so a redelivery finds it), with what could be read of it."""
    raw = message.payload
    order_id, category = raw.get("order_id"), raw.get("category")
    rejected = SmsMessage.new(
        message_id(f"envelope:{message.id}"),
        key=str(raw.get("idempotency_key", ""))[:200] or None,
        template=str(raw.get("template", ""))[:64],
        provider=provider,
        now=now,
    )
    rejected.order_id = order_id if isinstance(order_id, str) else None
    rejected.category = category[:100] if isinstance(category, str) and category else None
    rejected.seller_id, rejected.envelope_id = message.seller_id, message.id
    rejected.correlation_id = message.correlation_id
    rejected.reject(
        phone=phone_or_raw(str(raw.get("recipient", ""))[:32]),
        reason=f"invalid command: {brief(error)}",
    )
    return rejected


def brief(exc: ValidationError) -> str:
    """A validation error in one line: field: problem; ..."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())[:500]
