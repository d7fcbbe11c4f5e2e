"""The stored form of a message: instants as integer epoch milliseconds (`*_ms`), the only place
that converts between the two. Both the Mongo log and the tests' dict-backed fake map with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.persistence import Doc

from sms_svc.domain.message import Attempt, SmsMessage, Status

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def to_ms(instant: datetime) -> int:
    """An aware datetime as integer epoch milliseconds (exact, no float rounding)."""
    return (instant - EPOCH) // _MS


def from_ms(ms: int) -> datetime:
    """Epoch milliseconds as an aware UTC datetime."""
    return EPOCH + timedelta(milliseconds=ms)


def lease_ms(message: SmsMessage) -> int:
    """The stored lease: 0 when nobody holds the message."""
    return 0 if message.lease_until is None else to_ms(message.lease_until)


def attempt_doc(attempt: Attempt) -> dict[str, object]:
    return {
        "at_ms": to_ms(attempt.at),
        "duration_ms": attempt.duration_ms,
        "outcome": attempt.outcome,
        "answer": attempt.answer,
    }


def delivery_fields(message: SmsMessage) -> Doc:
    """What a delivery's outcome changes in the stored message."""
    return {
        "status": message.status.value,
        "attempts": [attempt_doc(a) for a in message.attempts],
        "provider_ref": message.provider_ref,
        "reason": message.reason,
        "updated_at_ms": to_ms(message.updated_at),
        "lease_until_ms": lease_ms(message),
    }


def requeue_fields(message: SmsMessage) -> Doc:
    """What an operator's retry changes in the stored message."""
    return {
        "status": message.status.value,
        "lease_until_ms": lease_ms(message),
        "updated_at_ms": to_ms(message.updated_at),
        "operator_retries": message.operator_retries,
    }


def to_doc(message: SmsMessage) -> Doc:
    """The stored form of a new message (a digest's with its members and orders)."""
    doc: dict[str, Any] = {
        "_id": message.id,
        "idempotency_key": message.idempotency_key,
        "template": message.template,
        "params": dict(message.params),
        "order_id": message.order_id,
        "category": message.category,
        "seller_id": message.seller_id,
        "envelope_id": message.envelope_id,
        "correlation_id": message.correlation_id,
        "phone": message.phone,
        "text": message.text,
        "provider": message.provider,
        "operator_retries": message.operator_retries,
        "created_at_ms": to_ms(message.created_at),
        **delivery_fields(message),
    }
    if message.members:
        doc |= {"members": list(message.members), "order_nos": list(message.order_nos)}
    if message.digest_id is not None:
        doc["digest_id"] = message.digest_id
    return doc


def from_doc(doc: Doc) -> SmsMessage:
    return SmsMessage(
        id=str(doc["_id"]),
        idempotency_key=doc.get("idempotency_key"),
        template=str(doc.get("template", "")),
        provider=str(doc.get("provider", "")),
        created_at=from_ms(int(doc.get("created_at_ms", 0))),
        updated_at=from_ms(int(doc.get("updated_at_ms", 0))),
        params={str(k): str(v) for k, v in (doc.get("params") or {}).items()},
        order_id=doc.get("order_id"),
        category=doc.get("category"),
        seller_id=doc.get("seller_id"),
        envelope_id=doc.get("envelope_id"),
        correlation_id=doc.get("correlation_id"),
        phone=str(doc.get("phone", "")),
        text=doc.get("text"),
        status=Status(doc["status"]),
        reason=doc.get("reason"),
        attempts=tuple(
            Attempt(
                at=from_ms(int(a["at_ms"])),
                duration_ms=int(a["duration_ms"]),
                outcome=str(a["outcome"]),
                answer=str(a["answer"]),
            )
            for a in doc.get("attempts") or []
        ),
        provider_ref=doc.get("provider_ref"),
        operator_retries=int(doc.get("operator_retries", 0)),
        lease_until=from_ms(int(doc["lease_until_ms"])) if doc.get("lease_until_ms") else None,
        digest_id=doc.get("digest_id"),
        members=tuple(str(m) for m in doc.get("members") or []),
        order_nos=tuple(str(o) for o in doc.get("order_nos") or []),
    )
