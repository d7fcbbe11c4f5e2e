"""An SMS request's life: validation into a text or a rejection, and its status table."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from aftersales_shared.errors import InvalidTransition

from sms_svc.domain.phone import InvalidPhone, normalize_phone
from sms_svc.domain.templates import InvalidParams, render


class Status(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    THROTTLED = "THROTTLED"
    REJECTED = "REJECTED"
    HELD = "HELD"
    """A seller-bound warning over the rate limit, waiting for a digest."""
    DIGESTED = "DIGESTED"
    """Sent as part of the digest named by the record's `digest_id`."""


class Event(StrEnum):
    DELIVERED = "DELIVERED"
    DELIVERY_FAILED = "DELIVERY_FAILED"
    RETRY_REQUESTED = "RETRY_REQUESTED"
    MERGED = "MERGED"


INITIAL = frozenset({Status.QUEUED, Status.THROTTLED, Status.REJECTED, Status.HELD})
"""A message is recorded in one of these; the others are reached by transitions."""

TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.QUEUED, Event.DELIVERED): Status.SENT,
    (Status.QUEUED, Event.DELIVERY_FAILED): Status.FAILED,
    (Status.FAILED, Event.RETRY_REQUESTED): Status.QUEUED,
    (Status.HELD, Event.MERGED): Status.DIGESTED,
}

FINAL = frozenset({Status.SENT, Status.THROTTLED, Status.REJECTED, Status.DIGESTED})


def next_status(current: Status, event: Event) -> Status:
    """The status after `event`, or InvalidTransition."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidTransition(f"a {current} message cannot take {event}") from None


def message_id(idempotency_key: str) -> str:
    """The message's id, derived from its idempotency key so a repeat finds the same record."""
    return "sms_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Accepted:
    phone: str
    text: str


@dataclass(frozen=True)
class Rejected:
    reason: str


def validate(*, recipient: str, template: str, params: Mapping[str, str]) -> Accepted | Rejected:
    """The normalised phone and rendered text, or why the request can never be sent."""
    try:
        phone = normalize_phone(recipient)
    except InvalidPhone as exc:
        return Rejected(reason=f"recipient: {exc}")
    try:
        text = render(template, params)
    except InvalidParams as exc:
        return Rejected(reason=f"params: {exc}")
    return Accepted(phone=phone, text=text)
