"""The ledger's read side: pages of entries, a seller's monthly statement (JSON and CSV rows),
and a reconciliation's report; amounts shown by `show_fen`."""

from __future__ import annotations

import gzip
import json
from collections import OrderedDict
from dataclasses import dataclass, field
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


CACHED_ENTRIES = 200_000
"""The most entries kept in memory over all cached seller-months (least recently read go first)."""


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass
class Cached:
    entries: dict[str, Entry]
    version: int
    """The ledger's version when the store was last asked (`LedgerStore.version`)."""
    views: dict[str, bytes] = field(default_factory=dict)
    """Each entry as JSON, rendered once."""
    sections: dict[Section, list[Entry]] | None = field(default=None)
    rendered: bytes | None = field(default=None)
    """The statement as JSON, kept until an entry is added."""
    gzipped: bytes | None = field(default=None)
    """`rendered` compressed, made when a client first accepts it."""

    def add(self, entries: list[Entry]) -> None:
        new = [e for e in entries if e.id not in self.entries]
        if new or self.sections is None:
            self.entries.update({e.id: e for e in new})
            self.views.update({e.id: compact(entry_view(e)) for e in new})
            self.sections, self.rendered = statement(self.entries.values()), None


class StatementCache:
    """The entries of recently read seller-months, in memory.

    Entries are immutable and never deleted, so a cached one stays true. A read asks the store
    for the ledger's version (one small read); only when it changed does it ask for the
    seller-month's entries written after the version it last saw (on the `smw` index), so a
    statement of 10,000 entries is read from the store once, not on every request.
    """

    def __init__(self, ledger: LedgerStore, *, max_entries: int = CACHED_ENTRIES) -> None:
        self.ledger, self.max_entries = ledger, max_entries
        self._cache: OrderedDict[tuple[str, str], Cached] = OrderedDict()

    async def sections(self, month: str, seller_id: str) -> dict[Section, list[Entry]]:
        sections = (await self.read(month, seller_id)).sections
        assert sections is not None
        return sections

    async def read(self, month: str, seller_id: str) -> Cached:
        """The seller-month, with what was written since the last read."""
        key = (seller_id, month)
        cached = self._cache.get(key)  # left in place: a read meanwhile tops up the same one
        version = await self.ledger.version()  # first: what is written after it is read later
        if cached is None:
            cached = Cached({}, version)
            cached.add(await self.ledger.month_entries(month, seller_id=seller_id))
        elif version != cached.version:
            since = cached.version
            cached.add(await self.ledger.written_after(month, seller_id=seller_id, version=since))
            cached.version = version
        self._cache[key] = cached
        self._cache.move_to_end(key)
        total = sum(len(c.entries) for c in self._cache.values())
        while total > self.max_entries and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            total -= len(dropped.entries)
        return cached


class LedgerReader:
    def __init__(self, ledger: LedgerStore, bookkeeper: Bookkeeper) -> None:
        self.ledger, self.bookkeeper = ledger, bookkeeper
        self.cache = StatementCache(ledger)

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
        return await self.cache.sections(month, seller_id)

    async def statement_json(self, month: str, seller_id: str, *, gzipped: bool = False) -> bytes:
        """`statement` as JSON (or gzip of it), made once per change of the seller-month."""
        parse_month(month)
        cached = await self.cache.read(month, seller_id)
        if cached.rendered is None:
            assert cached.sections is not None
            cached.rendered = statement_bytes(month, seller_id, cached.sections, cached.views)
            cached.gzipped = None
        if not gzipped:
            return cached.rendered
        if cached.gzipped is None:  # a tenth of the bytes to send (10,000 entries: 2.4 MB)
            cached.gzipped = gzip.compress(cached.rendered, compresslevel=1, mtime=0)
        return cached.gzipped

    async def statement(self, month: str, seller_id: str) -> dict[str, Any]:
        """Every section with its entries and its exact total."""
        return statement_view(month, seller_id, await self.sections(month, seller_id))

    async def csv_rows(self, month: str, seller_id: str) -> list[tuple[str, ...]]:
        return csv_rows(await self.sections(month, seller_id))

    async def reconcile(self, month: str, seller_id: str | None) -> dict[str, Any]:
        parse_month(month)
        found = await self.bookkeeper.reconcile(month, seller_id=seller_id)
        return reconciliation_view(month, seller_id, found)


def statement_view(
    month: str, seller_id: str, sections: dict[Section, list[Entry]]
) -> dict[str, Any]:
    return {"month": month, "seller_id": seller_id, "currency": "CNY"} | {
        section: {
            "entries": [entry_view(e) for e in entries],
            "total": show_fen(sum(e.fen for e in entries)),
        }
        for section, entries in sections.items()
    }


def statement_bytes(
    month: str, seller_id: str, sections: dict[Section, list[Entry]], views: dict[str, bytes]
) -> bytes:
    """`statement_view` as compact JSON, made of each entry's JSON rendered before."""
    parts = [compact({"month": month, "seller_id": seller_id, "currency": "CNY"})[:-1]]
    for section, entries in sections.items():
        listed = b",".join(views[e.id] for e in entries)
        total = compact(show_fen(sum(e.fen for e in entries)))
        parts.append(b',"%s":{"entries":[%s],"total":%s}' % (section.encode(), listed, total))
    return b"".join(parts) + b"}"
