"""The shape of a delivery-log record, and how odd inputs are kept in it."""

from __future__ import annotations

from aftersales_shared.contracts import Envelope
from aftersales_shared.persistence import Doc
from pydantic import ValidationError

from sms_svc.domain.digest import DIGEST_TEMPLATE, Digest
from sms_svc.domain.message import Status
from sms_svc.domain.phone import InvalidPhone, normalize_phone


def new_record(
    message: Envelope,
    *,
    provider: str,
    mid: str,
    key: str | None,
    template: str,
    params: dict[str, str],
    order_id: str | None,
    category: str | None = None,
    now: int,
) -> Doc:
    """A record with every field the log shows; the caller sets phone, text, status, reason."""
    return {
        "_id": mid,
        "idempotency_key": key,
        "template": template,
        "params": params,
        "order_id": order_id,
        "category": category,
        "seller_id": message.seller_id,
        "envelope_id": message.id,
        "correlation_id": message.correlation_id,
        "phone": "",
        "text": None,
        "status": Status.QUEUED.value,
        "reason": None,
        "attempts": [],
        "provider": provider,
        "provider_ref": None,
        "operator_retries": 0,
        "created_at_ms": now,
        "updated_at_ms": now,
        "lease_until_ms": 0,
    }


def digest_record(digest: Digest, *, first: Doc, provider: str, now: int, lease_until: int) -> Doc:
    """The QUEUED record of a digest SMS; `first` is its oldest member (phone, seller, trace)."""
    return {
        "_id": digest.id,
        "idempotency_key": f"digest:{first['_id']}",
        "template": DIGEST_TEMPLATE,
        "params": {},
        "order_id": None,
        "category": None,
        "seller_id": first.get("seller_id"),
        "envelope_id": None,
        "correlation_id": first.get("correlation_id"),
        "phone": first["phone"],
        "text": digest.text,
        "status": Status.QUEUED.value,
        "reason": None,
        "members": list(digest.members),
        "order_nos": list(digest.order_nos),
        "attempts": [],
        "provider": provider,
        "provider_ref": None,
        "operator_retries": 0,
        "created_at_ms": now,
        "updated_at_ms": now,
        "lease_until_ms": lease_until,
    }


def brief(exc: ValidationError) -> str:
    """A validation error in one line: field: problem; ..."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())[:500]


def phone_or_raw(recipient: str) -> str:
    """The normalised phone if it is one, else what was given (shown masked all the same)."""
    try:
        return normalize_phone(recipient)
    except InvalidPhone:
        return recipient
