"""Ingest a batch of events: their facts recorded once each and folded into the live counters.

Each batch is one `insert_many` of facts, stamped with the batch's sequence number `q`. The
facts are the record: a redelivered fact is a duplicate key and counts once. The counters of
the open weeks live in memory (one process owns ingestion) and are checkpointed to the store
page by page, with absolute values, every few seconds, before a week closes and at a graceful
stop. The checkpoint ends with a watermark, written with the late-fact counts of the closed
weeks: every fact of a batch up to it is in the pages and in those counts. After a crash,
`load` reads the pages and replays the facts written after the watermark, counting a fact only
into a page saved before the fact's batch (see the README).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable

import structlog

from metrics_svc.domain.counters import LiveCounters, page_of
from metrics_svc.domain.facts import SHARED_KINDS, Fact
from metrics_svc.handlers.metrics import CHECKPOINT_SECONDS, FACTS_INGESTED
from metrics_svc.ports import FactStore

log = structlog.get_logger(__name__)


class Ingestor:
    """Writes batches of events; owns the live counters, the weeks seen and the weeks closed.

    A fact of a closed week is recorded as late and does not touch the counters, so a published
    ranking never changes. `lock` orders the batches and serialises them with checkpoints and
    the closing of a week; a batch's insert itself runs outside it (two can be in the store).
    """

    def __init__(self, store: FactStore, *, fence: Callable[[], None] = lambda: None) -> None:
        self.store = store
        self.fence = fence
        """Raises unless this process may write (holds the lease): checked before every write."""
        self.lock = asyncio.Lock()
        self.closed: set[str] = set()
        self.weeks: set[str] = set()
        self.live = LiveCounters()
        self.q = 0
        """The sequence number of the last batch of facts written."""
        self.saved_q = 0
        """The watermark: every fact of a batch up to it is in the saved pages."""
        self._unsettled: set[int] = set()
        """Batches whose insert failed midway: some of their facts may be stored, uncounted."""
        self._unnoted: set[str] = set()
        self.late: Counter[str] = Counter()
        """Late facts per closed week (recorded, never counted in its results)."""
        self._noting = asyncio.Lock()
        self._writing = 0
        """Inserts in the store right now (each batch's runs outside `lock`)."""
        self._idle = asyncio.Event()
        self._idle.set()
        self._recorded: dict[str, str] = {}
        """Keys of shared-kind facts of open weeks known to be stored (key -> week): a fact
        with such a key is a duplicate, so it is not sent to the store again."""

    async def load(self, *, save: bool = True) -> None:
        """Learn the weeks seen and closed; rebuild the open weeks' counters (after a restart).

        `save=False` for a standby's read-only copy: nothing is written back.
        """
        started = time.monotonic()
        self.weeks = await self.store.known_weeks()
        self.closed = await self.store.closed_weeks()
        self.saved_q, late = await self.store.watermark()
        self.q = self.saved_q
        self.late = Counter({w: n for w, n in late.items() if n})
        page_q: dict[tuple[str, int], int] = {}
        for week in sorted(self.weeks - self.closed):
            for page in await self.store.saved_pages(week):
                page_q[(week, page.number)] = page.q
                self.q = max(self.q, page.q)
                for seller, values in page.sellers.items():
                    self.live.restore(week, seller, values, dirty=False)
        replayed = 0
        async for stored in self.store.facts_after(self.saved_q):
            q, fact = stored.q, stored.fact
            self.q = max(self.q, q)
            if stored.late:
                self.late[fact.week] += 1
                continue
            if fact.week in self.closed:
                continue
            if q > page_q.get((fact.week, page_of(fact.seller_id)), 0):
                self._count(fact)
                replayed += 1
        if save:
            async with self.lock:
                await self.flush()
        log.info(
            "counters loaded",
            open_weeks=sorted(self.weeks - self.closed),
            watermark=self.saved_q,
            replayed_facts=replayed,
            seconds=round(time.monotonic() - started, 2),
        )

    async def write(self, batch: Iterable[Fact]) -> None:
        """Store the facts of a batch of events (the first fact of each key counts)."""
        facts: dict[str, Fact] = {}
        for fact in batch:
            facts.setdefault(fact.key, fact)
        async with self.lock:
            await self._settle()
            await self._note()
            sending = [f for f in facts.values() if f.key not in self._recorded]
            FACTS_INGESTED.labels(result="duplicate").inc(len(facts) - len(sending))
            if not sending:
                return
            self.fence()
            self.q += 1
            q, closed = self.q, frozenset(self.closed)
            self._writing += 1
            self._idle.clear()
        # The insert runs outside the lock, so the next batch's insert can be sent while this
        # one is in the store; `flush` waits for both (`_idle`) before it saves anything.
        try:
            new = await self.store.insert_new(sending, late_weeks=closed, q=q)
        except Exception:
            self._unsettled.add(q)
            raise
        finally:
            self._writing -= 1
            if not self._writing:
                self._idle.set()
        self._counted(sending, new, closed=closed)
        await self._note()

    def _counted(self, sent: list[Fact], new: list[Fact], *, closed: frozenset[str]) -> None:
        """Count the facts of a batch that were new (late ones: only their number)."""
        for fact in sent:
            if fact.kind in SHARED_KINDS and fact.week not in closed:
                self._recorded[fact.key] = fact.week
        late = Counter(f.week for f in new if f.week in closed)
        for fact in new:
            if fact.week not in closed:
                self._count(fact)
        self.late.update(late)
        if late:
            log.info("late facts recorded for closed weeks", weeks=dict(late))
        FACTS_INGESTED.labels(result="new").inc(len(new) - late.total())
        FACTS_INGESTED.labels(result="late").inc(late.total())
        FACTS_INGESTED.labels(result="duplicate").inc(len(sent) - len(new))

    def close_week(self, week: str) -> None:
        """The week is closed (its results are frozen): later facts are late; free its memory."""
        self.closed.add(week)
        self.live.forget(week)
        self._recorded = {k: w for k, w in self._recorded.items() if w != week}

    def _count(self, fact: Fact) -> None:
        self.live.add(fact)
        if fact.week not in self.weeks:
            self.weeks.add(fact.week)
            self._unnoted.add(fact.week)

    async def _settle(self) -> None:
        """Count the stored facts of batches whose insert failed midway (they have their `q`)."""
        for q in sorted(self._unsettled):
            for stored in await self.store.facts_of_batch(q):
                fact = stored.fact
                if stored.late:
                    self.late[fact.week] += 1
                elif fact.week not in self.closed:
                    self._count(fact)
            self._unsettled.discard(q)

    async def _note(self) -> None:
        """Persist the new weeks (kept until written)."""
        async with self._noting:
            if not self._unnoted:
                return
            weeks = set(self._unnoted)
            await self.store.note_weeks(weeks)
            self._unnoted -= weeks

    async def checkpoint(self) -> None:
        """Save the changed pages of counters and advance the watermark (a background round)."""
        async with self.lock:
            await self.flush()

    async def flush(self) -> None:
        """`checkpoint` for a caller that holds `lock` (the week closer)."""
        await self._idle.wait()  # every batch begun is written and counted; no new one begins
        await self._settle()
        await self._note()  # a saved page's week is always a known week
        pages = self.live.dirty_pages()
        if not pages and self.q == self.saved_q:
            return
        started, q = time.monotonic(), self.q
        self.fence()  # a process that lost the lease must not overwrite the active one's pages
        await self.store.save_pages(pages, q=q)
        self.live.saved(pages)
        await self.store.save_watermark(q, late=dict(self.late))
        self.saved_q = q
        CHECKPOINT_SECONDS.observe(time.monotonic() - started)
        log.debug("counters checkpointed", pages=len(pages), q=q)
