"""Reconciliation: the entries the stored events make, against the entries the ledger holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from metrics_svc.domain.ledger import Entry, Section, totals

COMPARED = ("kind", "seller_id", "order_id", "fen", "payer", "payee", "at", "month")


@dataclass(frozen=True, slots=True)
class Difference:
    entry_id: str
    field: str
    """A field of `COMPARED`, or "missing" (not in the ledger) or "unexpected" (no event)."""
    expected: str | None
    recorded: str | None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    expected: dict[Section, int]
    """Each section's total in fen, recomputed from the stored events."""
    recorded: dict[Section, int]
    """Each section's total in fen, as the ledger's entries make it."""
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences and self.expected == self.recorded


def reconcile(expected: Iterable[Entry], recorded: Iterable[Entry]) -> Reconciliation:
    """Every entry the events make must be in the ledger, field for field, and nothing else."""
    want = {e.id: e for e in expected}
    have = {e.id: e for e in recorded}
    differences = []
    for entry_id in sorted(want.keys() | have.keys()):
        a, b = want.get(entry_id), have.get(entry_id)
        if b is None:
            differences.append(Difference(entry_id, "missing", str(a and a.fen), None))
        elif a is None:
            differences.append(Difference(entry_id, "unexpected", None, str(b.fen)))
        else:
            differences += [
                Difference(entry_id, name, str(getattr(a, name)), str(getattr(b, name)))
                for name in COMPARED
                if getattr(a, name) != getattr(b, name)
            ]
    return Reconciliation(totals(want.values()), totals(have.values()), tuple(differences))
