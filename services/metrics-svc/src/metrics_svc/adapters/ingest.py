"""Folds order events into facts and counters, a batch at a time: one write per collection."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

import structlog
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import ServiceOrderEvent
from pydantic import ValidationError

from metrics_svc.adapters.store import MetricsStore
from metrics_svc.domain.facts import Fact, facts_of
from metrics_svc.metrics import FACTS_INGESTED

log = structlog.get_logger(__name__)


class Ingestor:
    """Writes batches of events; knows the weeks seen and the weeks closed (one process owns them).

    A fact of a closed week is recorded as late and does not touch the counters, so a published
    ranking never changes. `lock` serialises batches with the closing of a week.
    """

    def __init__(self, store: MetricsStore) -> None:
        self.store = store
        self.lock = asyncio.Lock()
        self.closed: set[str] = set()
        self.weeks: set[str] = set()

    async def load(self) -> None:
        """Learn the weeks already seen and closed (after a restart)."""
        self.weeks = set(await self.store.known_weeks())
        self.closed = set(await self.store.closed_weeks())

    async def write(self, messages: Sequence[Envelope]) -> dict[str, str]:
        """Store the facts of a batch; return {message id: reason} of the messages to reject."""
        rejected: dict[str, str] = {}
        facts: dict[str, Fact] = {}
        for message in messages:
            if message.type.startswith("metrics."):
                log.info("announced", type=message.type, payload=message.payload)
                continue
            if not message.type.startswith("serviceorder."):
                rejected[message.id] = f"{message.type} has no handler in metrics-svc"
                continue
            try:
                event = ServiceOrderEvent.model_validate(message.payload)
            except ValidationError as exc:
                rejected[message.id] = f"bad ServiceOrderEvent: {exc}"
                continue
            for fact in facts_of(message.type, event, message.occurred_at):
                facts.setdefault(fact.key, fact)
        async with self.lock:
            await self._write(list(facts.values()))
        return rejected

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
