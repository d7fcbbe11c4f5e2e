"""The money's record: one immutable entry per money movement, and the monthly statements.

An entry names its order, its amount in integer fen, who pays and who receives, and when
(domain.md "Freight", "Penalties"). Its id is the movement's id, so it is written once however
often its event arrives. A statement is a view of a seller's entries of one month (Shanghai),
in sections; a section's total is the exact sum of its entries' fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from metrics_svc.domain.months import month_of
from metrics_svc.domain.penalties import FINE_FEN, UNAUDITED_UNIT, PenaltyLine
from metrics_svc.domain.weeks import week_end

KINDS = ("REFUND", "AUTO_REFUND", "FREIGHT_REFUND", "PRE_COMPENSATION", "OUTBOUND_FREIGHT", "FINE")
FINED_RULES = ("UNAUDITED_12H", "UNPROCESSED_48H")
"""The penalty lines that are fines; the pre-compensation line is a PRE_COMPENSATION movement."""


class Section(StrEnum):
    SETTLEMENT = "settlement"
    """结算明细: outbound freight, and the seller's share of quality-issue return freight."""
    COMPENSATION = "compensation"
    """赔付明细: return freight refunded to customers, and pre-compensations."""
    REFUNDS = "refunds"
    """Refunds of the paid amount to customers (REFUND, AUTO_REFUND)."""
    FINES = "fines"
    """The fines of the penalty lines (FINE)."""


def sections_of(kind: str, payer: str) -> tuple[Section, ...]:
    """The statement sections an entry appears in (a seller-paid freight refund in two)."""
    if kind == "FREIGHT_REFUND":
        if payer == "SELLER":
            return (Section.SETTLEMENT, Section.COMPENSATION)
        return (Section.COMPENSATION,)
    return {
        "OUTBOUND_FREIGHT": (Section.SETTLEMENT,),
        "PRE_COMPENSATION": (Section.COMPENSATION,),
        "REFUND": (Section.REFUNDS,),
        "AUTO_REFUND": (Section.REFUNDS,),
        "FINE": (Section.FINES,),
    }[kind]


@dataclass(frozen=True, slots=True)
class Entry:
    """One money movement as the ledger records it (never changed afterwards)."""

    id: str
    kind: str
    seller_id: str
    order_id: str | None
    fen: int
    payer: str
    payee: str
    at: datetime
    month: str
    order_ids: tuple[str, ...] = ()
    """The orders behind a fine of unaudited orders (a unit of ten)."""
    note: str | None = None
    source: str = ""
    """The message that carried the movement, or the week of a fine."""

    @property
    def sections(self) -> tuple[Section, ...]:
        return sections_of(self.kind, self.payer)


def fine_month(week: str) -> str:
    """A week's fines belong to the month of its Sunday (the last day of the week)."""
    return month_of(week_end(week) - timedelta(days=1))


def fine_entries(seller_id: str, week: str, lines: Iterable[PenaltyLine]) -> list[Entry]:
    """The FINE entries of a seller's week: one per unit of ten unaudited orders, one per
    order unprocessed for 48 hours. A unit's or an order's id never changes, so lines that grow
    with late facts add entries and never change one."""
    due, month = week_end(week), fine_month(week)
    fines = []
    for line in lines:
        if line.rule == "UNAUDITED_12H":
            for unit in range(line.units):
                orders = line.order_ids[unit * UNAUDITED_UNIT : (unit + 1) * UNAUDITED_UNIT]
                fines.append(
                    Entry(f"FINE:UNAUDITED_12H:{seller_id}:{week}:u{unit + 1}", "FINE", seller_id,
                          None, FINE_FEN, "SELLER", "PLATFORM", due, month, orders, line.rule,
                          week)
                )  # fmt: skip
        elif line.rule == "UNPROCESSED_48H":
            fines += [
                Entry(f"FINE:UNPROCESSED_48H:{order}", "FINE", seller_id, order, FINE_FEN,
                      "SELLER", "PLATFORM", due, month, (order,), line.rule, week)
                for order in line.order_ids
            ]  # fmt: skip
    return fines


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the order of a statement: by time, then id."""
    return sorted(entries, key=lambda e: (e.at, e.id))


def statement(entries: Iterable[Entry]) -> dict[Section, list[Entry]]:
    """A month's entries per section, each in time order (every section, even empty)."""
    sections: dict[Section, list[Entry]] = {s: [] for s in Section}
    for entry in ordered(entries):
        for section in entry.sections:
            sections[section].append(entry)
    return sections


def totals(entries: Iterable[Entry]) -> dict[Section, int]:
    """The exact total in fen of each section."""
    return {s: sum(e.fen for e in listed) for s, listed in statement(entries).items()}


def cursor_of(entry: Entry) -> str:
    """Where a page of the ledger ends: the entry's time (epoch ms) and id, in sortable text."""
    return f"{int(entry.at.timestamp() * 1000):013d}|{entry.id}"
