"""Folds order events into facts and counters, in batches: one write per batch and collection."""

from __future__ import annotations

import asyncio
from collections import Counter

import structlog
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.errors import PermanentMessageError
from pydantic import ValidationError

from metrics_svc.adapters.store import MetricsStore
from metrics_svc.domain.facts import Fact, facts_of
from metrics_svc.metrics import FACTS_INGESTED

log = structlog.get_logger(__name__)
Pending = tuple[Envelope, "asyncio.Future[None]"]


class Ingestor:
    """`submit` returns once the event's facts are stored; events are written batch by batch.

    Closed weeks are known here (one process owns them): a fact of a closed week is recorded
    as late and does not touch the counters, so a published ranking never changes.
    """

    def __init__(self, store: MetricsStore, *, max_batch: int, max_delay_s: float) -> None:
        self.store = store
        self.lock = asyncio.Lock()
        self.closed: set[str] = set()
        self.weeks: set[str] = set()
        self._max_batch = max_batch
        self._max_delay = max_delay_s
        self._pending: list[Pending] = []
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        """Learn the weeks already seen and closed (after a restart)."""
        self.weeks = set(await self.store.known_weeks())
        self.closed = set(await self.store.closed_weeks())

    async def submit(self, message: Envelope) -> None:
        """Queue one event and wait until its batch is written."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((message, future))
        if len(self._pending) >= self._max_batch:
            self._kick()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._max_delay, self._kick)
        await future

    def _kick(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.create_task(self._flush(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Write what is queued now and wait for every batch in flight."""
        self._kick()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _flush(self, batch: list[Pending]) -> None:
        facts: dict[str, Fact] = {}
        for message, future in batch:
            try:
                event = ServiceOrderEvent.model_validate(message.payload)
            except ValidationError as exc:
                future.set_exception(PermanentMessageError(f"bad ServiceOrderEvent: {exc}"))
                continue
            for fact in facts_of(message.type, event, message.occurred_at):
                facts.setdefault(fact.key, fact)
        try:
            async with self.lock:
                await self._write(list(facts.values()))
        except Exception as exc:
            log.warning("batch not written; its events will be retried", error=str(exc))
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)

    async def _write(self, facts: list[Fact]) -> None:
        new = await self.store.insert_new(facts, late_weeks=self.closed)
        live = [f for f in new if f.week not in self.closed]
        late = Counter(f.week for f in new if f.week in self.closed)
        await self.store.add_to_counters(live)
        fresh = {f.week for f in live} - self.weeks
        if fresh or late:
            await self.store.note_weeks(fresh, late=dict(late))
            self.weeks |= fresh
        if late:
            log.info("late facts recorded for closed weeks", weeks=dict(late))
        FACTS_INGESTED.labels(result="new").inc(len(live))
        FACTS_INGESTED.labels(result="late").inc(sum(late.values()))
        FACTS_INGESTED.labels(result="duplicate").inc(len(facts) - len(new))
