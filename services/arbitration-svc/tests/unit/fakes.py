"""A dict-backed CaseRepository: the handlers' unit tests run the real use cases against it.

`tests/integration/test_case_repository_contract.py` runs the same tests against it and against
MongoCases, so it cannot drift from the real store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aftersales_shared.contracts import Envelope
from aftersales_shared.errors import ConcurrencyConflict
from arbitration_svc.adapters.mongo import decode_cursor, encode_cursor
from arbitration_svc.domain.case import Case, Status
from arbitration_svc.ports import CasePage, CaseQuery, Stored


def _ms(at: datetime) -> int:
    """Instants as the store compares them: whole milliseconds."""
    return int(at.timestamp() * 1000)


def _matches(case: Case, query: CaseQuery, after: tuple[int, str] | None) -> bool:
    opened = _ms(case.opened_at)
    return (
        (not query.statuses or case.status in query.statuses)
        and (query.seller_id is None or case.seller_id == query.seller_id)
        and (query.opened_after is None or opened >= _ms(query.opened_after))
        and (query.opened_before is None or opened <= _ms(query.opened_before))
        and (after is None or (opened, case.id) > after)
    )


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
        after = decode_cursor(query.cursor) if query.cursor is not None else None
        found = [c for c, _ in self.rows.values() if _matches(c, query, after)]
        found.sort(key=lambda c: (_ms(c.opened_at), c.id))
        page = found[: query.limit]
        more = len(found) > query.limit
        return CasePage(items=page, next_cursor=encode_cursor(page[-1]) if more else None)

    async def open_since(self) -> list[tuple[Status, datetime]]:
        return [(c.status, c.opened_at) for c, _ in self.rows.values() if c.is_open]
