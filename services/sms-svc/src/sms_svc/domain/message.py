"""An SMS request's life: validation into a text or a rejection, its status table, and the
message itself (`SmsMessage`, the aggregate the handlers load, change and save)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from aftersales_shared.errors import InvalidTransition

from sms_svc.domain.phone import InvalidPhone, normalize_phone
from sms_svc.domain.ratelimit import Admission
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

SELLER_BOUND = frozenset(
    {
        "SELLER_RETURN_WARNING",
        *("AUDIT_DUE_SOON", "PROCESS_DUE_SOON", "PRE_COMPENSATION_DUE_SOON"),
        *("AUTO_REFUND_DUE_SOON", "BOTTOM10_WARNING"),
    }
)
"""Templates sent to a seller's contact: held for a digest instead of throttled."""


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


class Attempt(NamedTuple):
    """One try at the provider: when, how long, and what it answered."""

    at: datetime
    """When the try began."""
    duration_ms: int
    outcome: str
    """`ok`, `http_<status>`, `timeout` or `error`."""
    answer: str


class Delivery(NamedTuple):
    """The provider's verdict after its retries."""

    ok: bool
    """Delivered: the provider took it."""
    attempts: tuple[Attempt, ...]
    provider_ref: str | None = None


@dataclass
class SmsMessage:
    """One SMS in the delivery log, from its request to its final status."""

    id: str
    idempotency_key: str | None
    template: str
    provider: str
    created_at: datetime
    updated_at: datetime
    params: dict[str, str] = field(default_factory=dict)
    order_id: str | None = None
    category: str | None = None
    seller_id: str | None = None
    envelope_id: str | None = None
    correlation_id: str | None = None
    phone: str = ""
    text: str | None = None
    status: Status = Status.QUEUED
    reason: str | None = None
    attempts: tuple[Attempt, ...] = ()
    provider_ref: str | None = None
    operator_retries: int = 0
    lease_until: datetime | None = None
    """While QUEUED: until when one worker holds its delivery (None: nobody)."""
    digest_id: str | None = None
    """On a DIGESTED warning: the digest SMS that named its order."""
    members: tuple[str, ...] = ()
    """On a digest SMS: the ids of the held warnings it sends."""
    order_nos: tuple[str, ...] = ()

    @classmethod
    def new(
        cls, message_id: str, *, key: str | None, template: str, provider: str, now: datetime
    ) -> SmsMessage:
        """A message recorded now, QUEUED until its transitions say otherwise."""
        return cls(message_id, key, template, provider, created_at=now, updated_at=now)

    def reject(self, *, phone: str, reason: str) -> None:
        """REJECTED: it can never be sent (final, never retried)."""
        self.phone, self.status, self.reason = phone, Status.REJECTED, reason

    def accept(self, accepted: Accepted) -> None:
        """The request validated: its phone and text; the rate window decides the status."""
        self.phone, self.text = accepted.phone, accepted.text

    def admit(self, admission: Admission, *, lease_until: datetime) -> None:
        """QUEUED (held by this worker until `lease_until`) if the window admits it; else HELD
        for a digest when seller-bound, THROTTLED otherwise."""
        if admission.allowed:
            self.status, self.lease_until = Status.QUEUED, lease_until
        elif self.template in SELLER_BOUND:
            self.status, self.reason = Status.HELD, f"held for a digest: {admission.reason}"
        else:
            self.status, self.reason = Status.THROTTLED, admission.reason

    def delivered(self, delivery: Delivery, *, now: datetime) -> None:
        """The provider's verdict: SENT or FAILED, with its attempts; the lease is given up."""
        event = Event.DELIVERED if delivery.ok else Event.DELIVERY_FAILED
        self.status = next_status(self.status, event)
        self.attempts = (*self.attempts, *delivery.attempts)
        self.provider_ref = delivery.provider_ref
        last = delivery.attempts[-1].outcome if delivery.attempts else "none"
        tries = len(delivery.attempts)
        self.reason = None if delivery.ok else f"provider: {last} after {tries} attempts"
        self.updated_at, self.lease_until = now, None

    def requeue(self, *, now: datetime) -> None:
        """An operator's retry of a FAILED message: QUEUED again, for any worker to take."""
        self.status = next_status(self.status, Event.RETRY_REQUESTED)
        self.operator_retries += 1
        self.updated_at, self.lease_until = now, None
