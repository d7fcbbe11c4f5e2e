"""What the handlers need from the outside world, as protocols (adapters implement them)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aftersales_shared.contracts import Envelope

from metrics_svc.domain.counters import Page
from metrics_svc.domain.facts import Fact
from metrics_svc.domain.ledger import Entry
from metrics_svc.domain.ranking import Ranked


@dataclass(frozen=True, slots=True)
class StoredFact:
    """A fact as recorded: the batch `q` that first stored it, and whether it came late."""

    fact: Fact
    q: int
    late: bool = False


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A saved page of counters: its sellers' values (in the order of `COUNTERS`) as of `q`."""

    number: int
    q: int
    sellers: dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class BottomEntry:
    seller_id: str
    streak: int
    position: int


@dataclass(frozen=True, slots=True)
class ClosedWeek:
    """A week whose ranking is frozen."""

    week: str
    closed_at: datetime
    ranked: int
    bottom: tuple[BottomEntry, ...]


@dataclass(frozen=True, slots=True)
class Escalation:
    seller_id: str
    week: str
    streak: int
    score: str | None
    escalated_at: datetime


class FactStore(Protocol):
    """The record of facts (each once), the checkpointed counters and the weeks seen."""

    async def insert_new(
        self, facts: list[Fact], *, late_weeks: AbstractSet[str], q: int
    ) -> list[Fact]:
        """Record facts as batch `q`; return those not recorded before (a duplicate is not)."""
        ...

    async def facts_of_batch(self, q: int) -> list[StoredFact]: ...

    def facts_after(self, q: int) -> AsyncIterator[StoredFact]:
        """The facts recorded by batches after `q`."""
        ...

    async def penalty_facts(self, week: str, *, seller_id: str | None) -> list[StoredFact]:
        """The penalty facts of a week (of one seller, or of all)."""
        ...

    async def saved_pages(self, week: str) -> list[StoredPage]: ...

    async def save_pages(self, pages: list[Page], *, q: int) -> None:
        """Write pages of counters with absolute values, as of batch `q`."""
        ...

    async def save_watermark(self, q: int, *, late: dict[str, int]) -> None:
        """Every fact up to batch `q` is in the saved pages and in `late` (per closed week)."""
        ...

    async def watermark(self) -> tuple[int, dict[str, int]]:
        """The watermark and the late-fact counts as of it ((0, {}) before any)."""
        ...

    async def note_weeks(self, weeks: Iterable[str]) -> None: ...

    async def known_weeks(self) -> set[str]: ...

    async def closed_weeks(self) -> set[str]: ...


class ResultStore(Protocol):
    """The frozen results of the closed weeks and the escalations."""

    async def closed_week(self, week: str) -> ClosedWeek | None: ...

    async def save_results(self, week: str, ranking: Sequence[Ranked]) -> None:
        """Replace the week's results with `ranking`."""
        ...

    async def save_escalations(
        self, week: str, escalated: Sequence[Ranked], *, at: datetime
    ) -> None:
        """Replace the week's escalations."""
        ...

    async def close_week(self, closed: ClosedWeek, *, messages: Sequence[Envelope]) -> None:
        """Record the closing and its messages in one write (again: no change)."""
        ...

    async def results_page(self, week: str, *, offset: int, limit: int) -> list[Ranked]: ...

    async def all_results(self, week: str) -> list[Ranked]: ...

    async def results_of(self, week: str, seller_ids: Sequence[str]) -> list[Ranked]: ...

    async def result_of(self, seller_id: str, week: str) -> Ranked | None: ...

    async def escalations(self, week: str | None) -> list[Escalation]:
        """Newest week first, then by seller id descending."""
        ...


@dataclass(frozen=True, slots=True)
class MovementRecord:
    """A money movement as its event carried it (`body`: the `MoneyMovement` JSON), kept apart
    from the ledger's entry so that a reconciliation can recompute the entry from it."""

    id: str
    seller_id: str
    order_id: str
    month: str
    source: str
    body: str


class LedgerStore(Protocol):
    """The ledger's entries (each once, by id) and the movements as the events carried them."""

    async def record(self, movements: list[MovementRecord], entries: list[Entry]) -> None:
        """Store the entries, each once by id, with the movement each came from (if any); a
        duplicate changes nothing."""
        ...

    async def entries(
        self,
        *,
        seller_id: str | None,
        order_id: str | None,
        month: str | None,
        kind: str | None,
        after: str | None,
        limit: int,
    ) -> list[Entry]:
        """Entries in time order (then id) after the cursor `after` (see `cursor_of`)."""
        ...  # fmt: skip

    async def month_entries(self, month: str, *, seller_id: str | None) -> list[Entry]: ...

    async def month_movements(
        self, month: str, *, seller_id: str | None
    ) -> list[MovementRecord]: ...

    async def resume(self) -> None:
        """Continue numbering the writes after any writer before (on becoming the writer)."""
        ...

    async def version(self) -> int:
        """The number up to which every write has ended: what is new is `written_after` it."""
        ...

    async def written_after(self, month: str, *, seller_id: str, version: int) -> list[Entry]:
        """A seller-month's entries written after `version` (and perhaps some before)."""
        ...


class Lease(Protocol):
    """The right to be the one active process (ingest, checkpoint, close weeks)."""

    owner: str

    def held(self) -> bool: ...

    def check(self) -> None:
        """Raises unless `held()`."""
        ...

    async def try_acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


class Consumption(Protocol):
    """A running consumer of the order events, stopped alone (on stepping down)."""

    @property
    def ready(self) -> bool: ...

    async def stop(self, *, graceful: bool = True) -> None: ...
