"""The live counters of the open weeks, per seller, grouped in pages that are checkpointed whole.

A seller's counters are a list of ints in the order of `COUNTERS`. Sellers are spread over
`PAGES` pages per week by a stable hash of their id. A page is the unit of a checkpoint: when
one of its sellers changes, the whole page is written again (one document, absolute values).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from metrics_svc.domain.facts import COUNTER_OF, Fact, deltas

COUNTERS: tuple[str, ...] = (
    *dict.fromkeys(name for pair in COUNTER_OF.values() for name in pair if name),
    "precomp_fen",
)
"""Every counter, in the order of a seller's values (in memory and in a stored page)."""
INDEX = {name: i for i, name in enumerate(COUNTERS)}
PAGES = 256
"""Pages per week. Part of the stored format: a seller's page must not change between starts."""


def page_of(seller_id: str) -> int:
    """The page a seller's counters live in (the same in every process and every week)."""
    return zlib.crc32(seller_id.encode()) % PAGES


def as_counts(values: list[int]) -> dict[str, int]:
    """A seller's values as {counter: n}, the non-zero ones (what `scorecard` reads)."""
    return {name: n for name, n in zip(COUNTERS, values, strict=True) if n}


def from_counts(counts: Mapping[str, int]) -> list[int]:
    """The values of {counter: n}; unknown names are ignored, missing ones are 0."""
    return [int(counts.get(name, 0)) for name in COUNTERS]


@dataclass(frozen=True, slots=True)
class Page:
    week: str
    number: int
    sellers: dict[str, list[int]]
    """The live values (not a copy): encode them before the counters change again."""


class LiveCounters:
    """Counters of open weeks by page and seller; knows which pages changed since last saved."""

    def __init__(self) -> None:
        self._pages: dict[tuple[str, int], dict[str, list[int]]] = {}
        self._dirty: set[tuple[str, int]] = set()

    def _values(self, week: str, seller_id: str) -> list[int]:
        key = (week, page_of(seller_id))
        sellers = self._pages.get(key)
        if sellers is None:
            sellers = self._pages[key] = {}
        values = sellers.get(seller_id)
        if values is None:
            values = sellers[seller_id] = [0] * len(COUNTERS)
        self._dirty.add(key)
        return values

    def add(self, fact: Fact) -> None:
        """Count a new fact."""
        values = self._values(fact.week, fact.seller_id)
        for name, by in deltas(fact).items():
            values[INDEX[name]] += by

    def restore(self, week: str, seller_id: str, values: list[int], *, dirty: bool) -> None:
        """Put back a seller's values read from the store (`dirty`: they must be saved again)."""
        key = (week, page_of(seller_id))
        self._pages.setdefault(key, {})[seller_id] = values
        if dirty:
            self._dirty.add(key)

    def has(self, week: str, seller_id: str) -> bool:
        return seller_id in self._pages.get((week, page_of(seller_id)), {})

    def counts(self, week: str, seller_id: str) -> dict[str, int]:
        values = self._pages.get((week, page_of(seller_id)), {}).get(seller_id)
        return as_counts(values) if values is not None else {}

    def week(self, week: str) -> list[tuple[str, dict[str, int]]]:
        """Every seller of a week with its counts (a snapshot: safe across an await)."""
        out = []
        for number in range(PAGES):
            for seller, values in self._pages.get((week, number), {}).items():
                out.append((seller, as_counts(values)))
        return out

    def forget(self, week: str) -> None:
        """Drop a closed week (its results are frozen; its pages were saved before closing)."""
        for number in range(PAGES):
            self._pages.pop((week, number), None)
            self._dirty.discard((week, number))

    def dirty_pages(self) -> list[Page]:
        """The pages changed since they were last saved, each with all its sellers."""
        return [Page(w, n, self._pages.get((w, n), {})) for w, n in sorted(self._dirty)]

    def saved(self, pages: list[Page]) -> None:
        """These pages are in the store as they are now."""
        self._dirty.difference_update((p.week, p.number) for p in pages)
