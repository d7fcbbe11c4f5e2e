"""The ledger's read side: pages of entries, a seller's monthly statement (JSON and CSV rows),
and a reconciliation's report; amounts shown by `show_fen`."""

from __future__ import annotations

from typing import Any

from aftersales_shared.money import show_fen

from metrics_svc.domain.ledger import Entry, Section, cursor_of, statement
from metrics_svc.domain.months import parse_month
from metrics_svc.domain.reconciliation import Reconciliation
from metrics_svc.handlers.ledger import Bookkeeper
from metrics_svc.ports import LedgerStore

CSV_HEADER = ("section", "id", "kind", "order_id", "order_ids", "amount", "payer", "payee", "at")


def entry_view(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "seller_id": e.seller_id,
        "order_id": e.order_id,
        "kind": e.kind,
        "amount": show_fen(e.fen),
        "payer": e.payer,
        "payee": e.payee,
        "at": e.at.isoformat(),
        "month": e.month,
        "order_ids": list(e.order_ids),
        "note": e.note,
    }


def csv_rows(sections: dict[Section, list[Entry]]) -> list[tuple[str, ...]]:
    """Each section's entries, then its total on a row of its own (id `TOTAL`)."""
    rows: list[tuple[str, ...]] = []
    for section, entries in sections.items():
        for e in entries:
            rows.append((section, e.id, e.kind, e.order_id or "", " ".join(e.order_ids),
                         show_fen(e.fen), e.payer, e.payee, e.at.isoformat()))  # fmt: skip
        total = show_fen(sum(e.fen for e in entries))
        rows.append((section, "TOTAL", "", "", "", total, "", "", ""))
    return rows


def reconciliation_view(month: str, seller_id: str | None, r: Reconciliation) -> dict[str, Any]:
    return {
        "month": month,
        "seller_id": seller_id,
        "ok": r.ok,
        "expected": {s: show_fen(fen) for s, fen in r.expected.items()},
        "recorded": {s: show_fen(fen) for s, fen in r.recorded.items()},
        "differences": [
            {"entry_id": d.entry_id, "field": d.field, "expected": d.expected,
             "recorded": d.recorded}
            for d in r.differences
        ],
    }  # fmt: skip


class LedgerReader:
    def __init__(self, ledger: LedgerStore, bookkeeper: Bookkeeper) -> None:
        self.ledger, self.bookkeeper = ledger, bookkeeper

    async def page(
        self, *, seller_id: str | None, order_id: str | None, month: str | None,
        kind: str | None, cursor: str | None, limit: int,
    ) -> dict[str, Any]:  # fmt: skip
        """A page of entries in time order; `next_cursor` is null on the last page."""
        if month is not None:
            parse_month(month)
        entries = await self.ledger.entries(
            seller_id=seller_id, order_id=order_id, month=month, kind=kind, after=cursor,
            limit=limit,
        )  # fmt: skip
        more = len(entries) == limit
        return {
            "items": [entry_view(e) for e in entries],
            "next_cursor": cursor_of(entries[-1]) if more else None,
        }

    async def sections(self, month: str, seller_id: str) -> dict[Section, list[Entry]]:
        parse_month(month)
        return statement(await self.ledger.month_entries(month, seller_id=seller_id))

    async def statement(self, month: str, seller_id: str) -> dict[str, Any]:
        """Every section with its entries and its exact total."""
        sections = await self.sections(month, seller_id)
        return {"month": month, "seller_id": seller_id, "currency": "CNY"} | {
            section: {
                "entries": [entry_view(e) for e in entries],
                "total": show_fen(sum(e.fen for e in entries)),
            }
            for section, entries in sections.items()
        }

    async def csv_rows(self, month: str, seller_id: str) -> list[tuple[str, ...]]:
        return csv_rows(await self.sections(month, seller_id))

    async def reconcile(self, month: str, seller_id: str | None) -> dict[str, Any]:
        parse_month(month)
        found = await self.bookkeeper.reconcile(month, seller_id=seller_id)
        return reconciliation_view(month, seller_id, found)
