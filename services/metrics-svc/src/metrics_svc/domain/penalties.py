"""Penalty lines of a seller's week, each with the orders behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from metrics_svc.domain.facts import Fact, FactKind

FINE_FEN = 200_000
"""2000 CNY."""
UNAUDITED_UNIT = 10


@dataclass(frozen=True, slots=True)
class PenaltyLine:
    rule: str
    orders: int
    units: int
    amount_fen: int
    order_ids: tuple[str, ...]


def penalty_lines(facts: Iterable[Fact]) -> list[PenaltyLine]:
    """Unaudited > 12h: floor(n/10) x 2000; unprocessed 48h: 2000 each; pre-compensation charges."""
    by_kind: dict[FactKind, list[Fact]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
    lines = []
    unaudited = sorted({f.order_id for f in by_kind.get(FactKind.AUDIT_OVERDUE, [])})
    if unaudited:
        units = len(unaudited) // UNAUDITED_UNIT
        lines.append(
            PenaltyLine("UNAUDITED_12H", len(unaudited), units, units * FINE_FEN, tuple(unaudited))
        )
    unprocessed = sorted({f.order_id for f in by_kind.get(FactKind.PROCESS_OVERDUE, [])})
    if unprocessed:
        n = len(unprocessed)
        lines.append(PenaltyLine("UNPROCESSED_48H", n, n, n * FINE_FEN, tuple(unprocessed)))
    charges = {f.order_id: f.amount_fen for f in by_kind.get(FactKind.PRE_COMPENSATION, [])}
    if charges:
        ids = tuple(sorted(charges))
        lines.append(
            PenaltyLine("PRE_COMPENSATION", len(ids), len(ids), sum(charges.values()), ids)
        )
    return lines


def total_fen(lines: Iterable[PenaltyLine]) -> int:
    """The sum of the lines."""
    return sum(line.amount_fen for line in lines)
