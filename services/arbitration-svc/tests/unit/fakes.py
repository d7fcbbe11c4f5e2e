"""A dict-backed CaseRepository: the handlers' unit tests run the real use cases against it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import ConcurrencyConflict
from arbitration_svc.domain.case import Case, Status
from arbitration_svc.ports import CasePage, CaseQuery, Stored


@dataclass
class FakeCases:
    rows: dict[str, tuple[Case, int]] = field(default_factory=dict)
    outbox: list[Envelope] = field(default_factory=list)
    races: int = 0
    """How many of the next saves lose a race (someone else wrote first)."""

    async def add(self, case: Case) -> bool:
        open_orders = {c.order_id for c, _ in self.rows.values() if c.is_open}
        if case.id in self.rows or case.order_id in open_orders:
            return False
        self.rows[case.id] = (case, 1)
        return True

    async def get(self, case_id: str) -> Stored | None:
        row = self.rows.get(case_id)
        return None if row is None else Stored(case=row[0], handle=row[1])

    async def save(self, stored: Stored, case: Case, *, messages: Sequence[Envelope] = ()) -> None:
        if self.races:
            self.races -= 1
            raise ConcurrencyConflict("lost a race")
        _, version = self.rows[case.id]
        if version != stored.handle:
            raise ConcurrencyConflict("lost a race")
        self.rows[case.id] = (case, version + 1)
        self.outbox.extend(messages)

    async def find(self, query: CaseQuery) -> CasePage:
        cases = sorted((c for c, _ in self.rows.values()), key=lambda c: (c.opened_at, c.id))
        return CasePage(items=cases[: query.limit])

    async def open_since(self) -> list[tuple[Status, datetime]]:
        return [(c.status, c.opened_at) for c, _ in self.rows.values() if c.is_open]
