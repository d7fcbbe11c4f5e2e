"""What the handlers need from the outside world, as protocols (adapters implement them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aftersales_shared.contracts import Envelope

from arbitration_svc.domain.backlog import BacklogCount
from arbitration_svc.domain.case import Case, Status


@dataclass(frozen=True)
class Stored:
    """A case as read, with the adapter's handle for a compare-and-set save."""

    case: Case
    handle: object


@dataclass(frozen=True)
class CaseQuery:
    """Filters of the agents' work list; always oldest first."""

    statuses: frozenset[Status] = frozenset()
    seller_id: str | None = None
    opened_before: datetime | None = None
    opened_after: datetime | None = None
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class CasePage:
    items: Sequence[Case] = field(default_factory=tuple)
    next_cursor: str | None = None


class CaseRepository(Protocol):
    async def add(self, case: Case) -> bool:
        """Store a new case; False if it exists or its order already has an open case."""
        ...

    async def get(self, case_id: str) -> Stored | None: ...

    async def save(self, stored: Stored, case: Case, *, messages: Sequence[Envelope] = ()) -> None:
        """Replace `stored` with `case` and its messages in one write (409 if raced)."""
        ...

    async def find(self, query: CaseQuery) -> CasePage: ...

    async def open_since(self) -> list[tuple[Status, datetime]]:
        """Status and opening time of every case not ruled yet."""
        ...


class BacklogGauges(Protocol):
    def show(self, backlog: BacklogCount) -> None:
        """Publish the counts where the platform watches them."""
        ...
