"""The ledger's use cases: record the movements of the order events, book the fines of a week,
and reconcile a month's statement with the events as stored."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime

import structlog
from aftersales_shared.contracts.messages import MoneyMovement, ServiceOrderEvent
from aftersales_shared.messaging import Typed

from metrics_svc.domain.facts import PENALTY_KINDS, Fact
from metrics_svc.domain.ledger import Entry, fine_entries, fine_month
from metrics_svc.domain.months import month_end, month_of, month_start
from metrics_svc.domain.penalties import penalty_lines
from metrics_svc.domain.reconciliation import Reconciliation, reconcile
from metrics_svc.domain.weeks import SHANGHAI, shift_week, week_of
from metrics_svc.handlers.metrics import LEDGER_ENTRIES
from metrics_svc.ports import FactStore, LedgerStore, MovementRecord

log = structlog.get_logger(__name__)


def to_ms(instant: datetime) -> datetime:
    """An instant in UTC to the millisecond, as the store keeps it."""
    utc = instant.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def entry_of(record: MovementRecord) -> Entry:
    """The ledger entry of a movement as its event carried it."""
    return entry_from(MoneyMovement.model_validate_json(record.body), record)


def entry_from(movement: MoneyMovement, record: MovementRecord) -> Entry:
    """The ledger entry of a movement (`entry_of` its record: the same, without parsing it)."""
    return Entry(
        id=movement.id,
        kind=movement.kind,
        seller_id=record.seller_id,
        order_id=record.order_id,
        fen=movement.fen(),
        payer=movement.payer,
        payee=movement.payee,
        at=to_ms(movement.at),
        month=record.month,
        note=movement.note,
        source=record.source,
    )


Moved = list[tuple[MovementRecord, Entry]]
"""The movements of a batch, each as its event carried it and as its ledger entry."""


def records_of_batch(messages: Iterable[Typed]) -> Moved:
    """The money movements a batch of validated order events carries, with their entries."""
    moved: Moved = []
    for message in messages:
        event = message.payload
        if isinstance(event, ServiceOrderEvent):
            for m in event.movements:
                record = MovementRecord(m.id, event.seller_id, event.order_id, month_of(m.at),
                                        message.meta.id, m.model_dump_json())  # fmt: skip
                moved.append((record, entry_from(m, record)))
    return moved


FIRST_WEEK = "2000-W01"
LAST_WEEK = week_of(
    datetime(9998, 12, 28, 12, tzinfo=SHANGHAI)
)  # 28 December: the year's last week
"""The first and last week names there are (`domain/week_names.py`)."""


def weeks_fined_in(month: str) -> list[str]:
    """The weeks whose fines belong to `month` (their Sunday is in it). A week outside the
    names a week can have (before 2000-W01: the Sunday of 1999-W52 is 2 January 2000) holds no
    facts, so it is left out."""
    first, last = week_of(month_start(month)), week_of(month_end(month))
    week, weeks = max(first, FIRST_WEEK), []
    while week <= last and week <= LAST_WEEK:
        if fine_month(week) == month:
            weeks.append(week)
        if week == LAST_WEEK:
            break
        week = shift_week(week, 1)
    return weeks


class Bookkeeper:
    """Writes the ledger: an entry per movement and per fine, each once by its id."""

    def __init__(self, ledger: LedgerStore, facts: FactStore) -> None:
        self.ledger, self.facts = ledger, facts

    async def record(self, moved: Moved) -> None:
        """The movements of a batch and their entries (before the batch is acknowledged)."""
        if moved:
            await self.ledger.record([r for r, _ in moved], [e for _, e in moved])
            LEDGER_ENTRIES.inc(len(moved))

    async def expected_fines(self, week: str, *, seller_id: str | None = None) -> list[Entry]:
        """The fines the week's penalty facts make (of one seller, or of all)."""
        by_seller: dict[str, list[Fact]] = {}
        for stored in await self.facts.penalty_facts(week, seller_id=seller_id):
            by_seller.setdefault(stored.fact.seller_id, []).append(stored.fact)
        fines: list[Entry] = []
        for seller, facts in sorted(by_seller.items()):
            fines += fine_entries(seller, week, penalty_lines(facts))
        return fines

    async def book_fines(self, week: str, *, seller_id: str | None = None) -> int:
        """Book the fines of a closed week (again: no change; more late facts: more entries)."""
        fines = await self.expected_fines(week, seller_id=seller_id)
        if fines:
            await self.ledger.record([], fines)
            LEDGER_ENTRIES.inc(len(fines))
        log.info("fines booked", week=week, seller_id=seller_id, entries=len(fines))
        return len(fines)

    async def book_late_fines(self, facts: Iterable[Fact], closed: AbstractSet[str]) -> None:
        """Penalty facts that arrive after their week closed: book that seller-week again."""
        late = {
            (f.week, f.seller_id) for f in facts if f.kind in PENALTY_KINDS and f.week in closed
        }
        for week, seller in sorted(late):
            await self.book_fines(week, seller_id=seller)

    async def reconcile(self, month: str, *, seller_id: str | None) -> Reconciliation:
        """Recompute the month's entries from the stored movements and penalty facts, and
        compare them with the ledger's entries, entry by entry and section by section."""
        stored = await self.ledger.month_movements(month, seller_id=seller_id)
        expected = [entry_of(r) for r in stored]
        closed = await self.facts.closed_weeks()
        for week in weeks_fined_in(month):
            if week in closed:  # an open week's fines are booked when it closes
                expected += await self.expected_fines(week, seller_id=seller_id)
        recorded = await self.ledger.month_entries(month, seller_id=seller_id)
        return reconcile(expected, recorded)
