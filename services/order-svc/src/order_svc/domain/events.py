"""What an accepted change records, in the domain's own terms.

The domain never builds a wire message: the service layer (`order_svc/handlers/wire.py`) maps each
of these to its `aftersales_shared.contracts` message, and gives it an id a retry reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aftersales_shared.contracts.messages import DeadlineKind

from order_svc.domain.actors import Actor
from order_svc.domain.order import ServiceOrder


@dataclass(frozen=True)
class OrderChanged:
    """One transition, named after its event (`applied`, `audited`...); `order` is the order after
    it (the wire event carries its facts)."""

    order: ServiceOrder
    name: str
    command: str
    status_from: str | None
    actor: Actor
    audit_result: str | None = None
    charged_to_seller_fen: int | None = None
    exchange_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SmsRequested:
    """An SMS to send once; `key` is stable for the order version and template."""

    order_id: str
    category: str
    recipient: str
    template: str
    params: dict[str, str]
    key: str


@dataclass(frozen=True)
class DeadlineArmed:
    deadline_id: str
    kind: DeadlineKind
    order_id: str
    due_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class DeadlineCancelled:
    deadline_id: str


@dataclass(frozen=True)
class DeadlinesSuspended:
    """The order is locked: its pending deadlines wait until the ruling."""

    order_id: str


@dataclass(frozen=True)
class DeadlinesResumed:
    order_id: str


@dataclass(frozen=True)
class ArbitrationOpened:
    """A case for the platform, with the order as evidence (a JSON-ready snapshot)."""

    order_id: str
    seller_id: str
    reason: str
    requested_by: str
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class StaffRightsChanged:
    """A sub-account's rights after a seller write (`version`); `removed`: no rights at all."""

    seller_id: str
    staff_id: str
    categories: list[str]
    permissions: list[str]
    removed: bool
    version: int


OrderEvent = (
    OrderChanged
    | SmsRequested
    | DeadlineArmed
    | DeadlineCancelled
    | DeadlinesSuspended
    | DeadlinesResumed
    | ArbitrationOpened
)
"""What a decision on an order records."""
