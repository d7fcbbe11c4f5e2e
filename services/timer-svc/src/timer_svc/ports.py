"""What the service layer needs from the outside, as protocols (instants as aware datetimes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from timer_svc.domain.deadlines import Deadline


@dataclass(frozen=True)
class Claim:
    """A batch of due deadlines this process holds a lease on, in due order."""

    token: str
    deadlines: Sequence[Deadline]
    lease_until: datetime
    """Wall-clock time."""


class DeadlineStore(Protocol):
    """The kept deadlines (adapter: `adapters.deadline_store.MongoDeadlineStore`)."""

    async def schedule(self, deadline: Deadline, *, now: datetime) -> bool:
        """Arm a deadline; False when its id is known already (kept as it is)."""
        ...

    async def cancel(self, deadline_id: str) -> bool:
        """Cancel a pending or suspended deadline; False when there was nothing to cancel."""
        ...

    async def suspend(self, order_id: str, *, now: datetime) -> int:
        """Suspend every pending deadline of an order; how many were suspended."""
        ...

    async def resume(self, order_id: str, *, now: datetime) -> int:
        """Resume an order's suspended deadlines, shifted by the time they were suspended."""
        ...

    async def claim(
        self, *, due_by: datetime, wall: datetime, lease: timedelta, limit: int
    ) -> Claim | None:
        """Lease up to `limit` deadlines due by `due_by` that nobody holds at wall-clock time
        `wall`; None if none."""
        ...

    async def mark_fired(self, claim: Claim, ids: Sequence[str], *, fired_at: datetime) -> int:
        """Mark the fired ones of a claim in one write; how many were still held and pending."""
        ...

    async def any_due(self, *, due_by: datetime) -> bool:
        """Whether any pending deadline (held or not) is due by `due_by`."""
        ...

    async def pending_count(self) -> int:
        """How many deadlines are pending (not suspended, fired or cancelled)."""
        ...
