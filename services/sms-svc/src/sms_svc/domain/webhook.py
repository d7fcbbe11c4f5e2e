"""A seller's webhook: the subscription, the signature, and each notice's delivery to it.

A delivery is PENDING until the endpoint answers 2xx (DELIVERED) or the attempts of this round
reach the bound (DEAD); a failed attempt schedules the next one by exponential back-off with
jitter. The platform may redeliver a DEAD or DELIVERED one: a new round, the same notice id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from aftersales_shared.errors import InvalidTransition


class Status(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"


class Event(StrEnum):
    ANSWERED = "ANSWERED"
    FAILED = "FAILED"
    GAVE_UP = "GAVE_UP"
    REDELIVER = "REDELIVER"


TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.PENDING, Event.ANSWERED): Status.DELIVERED,
    (Status.PENDING, Event.FAILED): Status.PENDING,
    (Status.PENDING, Event.GAVE_UP): Status.DEAD,
    (Status.DEAD, Event.REDELIVER): Status.PENDING,
    (Status.DELIVERED, Event.REDELIVER): Status.PENDING,
}


def next_status(current: Status, event: Event) -> Status:
    """The status after `event`, or InvalidTransition."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidTransition(f"a {current} delivery cannot take {event}") from None


def delivery_id(notice_id: str, seller_id: str) -> str:
    """One delivery per notice and seller: a repeat of the notice finds it."""
    return "whd_" + hashlib.sha256(f"{seller_id}|{notice_id}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Subscription:
    seller_id: str
    url: str
    secret: str
    updated_at: datetime


@dataclass(frozen=True)
class Backoff:
    """Attempts per round, and the exponential delays between them (jitter: half random)."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=1)
    cap: timedelta = timedelta(minutes=10)

    def delay(self, failures: int, rand: float) -> timedelta:
        """After the `failures`-th failure, given `rand` in [0, 1)."""
        ceiling: timedelta = min(self.cap, self.base * 2 ** (failures - 1))
        return ceiling / 2 + ceiling / 2 * rand


class Try(NamedTuple):
    """One POST: when, how long, and what the endpoint answered."""

    at: datetime
    duration_ms: int
    outcome: str
    """`ok`, `http_<status>`, `timeout`, `error` or `refused` (the address is not allowed)."""
    status_code: int | None = None


@dataclass
class WebhookDelivery:
    """One notice on its way to one seller's endpoint."""

    id: str
    seller_id: str
    notice_id: str
    body: str
    created_at: datetime
    updated_at: datetime
    status: Status = Status.PENDING
    tries: tuple[Try, ...] = ()
    round_tries: int = 0
    """Attempts since the delivery was made or last redelivered: DEAD at the bound."""
    next_at: datetime | None = None
    """When a PENDING delivery is due (None once it is not PENDING)."""
    lease_until: datetime | None = None
    """While one worker posts it, until when (None: nobody)."""
    redeliveries: int = 0

    @classmethod
    def new(
        cls,
        *,
        notice_id: str,
        seller_id: str,
        body: str,
        now: datetime,
        lease_until: datetime | None = None,
    ) -> WebhookDelivery:
        """A delivery due now (held until `lease_until` by the process that made it)."""
        return cls(
            delivery_id(notice_id, seller_id), seller_id, notice_id, body,
            created_at=now, updated_at=now, next_at=now, lease_until=lease_until,
        )  # fmt: skip

    def tried(self, attempt: Try, *, backoff: Backoff, rand: float, now: datetime) -> None:
        """Record an attempt: DELIVERED on 2xx; else PENDING again after the back-off, or DEAD."""
        self.tries, self.round_tries = (*self.tries, attempt), self.round_tries + 1
        if attempt.outcome == "ok":
            self.status, self.next_at = next_status(self.status, Event.ANSWERED), None
        elif self.round_tries >= backoff.max_attempts:
            self.status, self.next_at = next_status(self.status, Event.GAVE_UP), None
        else:
            self.status = next_status(self.status, Event.FAILED)
            self.next_at = now + backoff.delay(self.round_tries, rand)
        self.updated_at, self.lease_until = now, None

    def redeliver(self, *, now: datetime) -> None:
        """The platform sends it again: a new round of attempts, due now."""
        self.status = next_status(self.status, Event.REDELIVER)
        self.round_tries, self.redeliveries = 0, self.redeliveries + 1
        self.next_at, self.updated_at, self.lease_until = now, now, None
