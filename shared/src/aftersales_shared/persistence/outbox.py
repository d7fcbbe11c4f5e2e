"""The outbox relay: publishes the messages stored with each write, then marks them sent."""

from __future__ import annotations

import asyncio
import time

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from aftersales_shared.background import Periodic
from aftersales_shared.metrics import OUTBOX_LAG, OUTBOX_PENDING
from aftersales_shared.persistence.client import Doc
from aftersales_shared.persistence.documents import AT, publishable, wall_ms
from aftersales_shared.persistence.outbox_ledger import Key, Ledger, Plan
from aftersales_shared.persistence.outbox_store import ensure_pending_index, mark_sent
from aftersales_shared.persistence.outbox_stored import bounded, stored_plans
from aftersales_shared.persistence.versioned import Written
from aftersales_shared.ports import Publisher

log = structlog.get_logger(__name__)

MAX_BACKOFF_S = 5.0


class OutboxRelay:
    """Publishes the messages stored with each write, with confirms, then marks them sent.

    Two ways in. A write made by this process is handed over in memory (`written`), wakes the
    relay and is published at once, without reading it back. Every `poll_s` the relay also
    reads what is still pending in the store and older than `grace_s` (a process that died
    after its write, a message the broker refused) and publishes that.

    Rounds are pipelined: up to `rounds_in_flight` rounds of at most `round_messages` messages
    wait on their confirms at once, and a write that comes meanwhile starts a new round rather
    than waiting for the others. A document is in one round at a time: its messages go out in
    the order they were written. Marking runs beside the rounds, never holding them up.

    Marking is deferred by `mark_delay_s`: if the document is written again meanwhile, that
    write already dropped the published messages (they leave the write cache as they are
    published) and one mark, or none, serves several writes. A crash before the mark means the
    messages go out again after the restart: at least once, as the consumers' inboxes expect.
    `stop` gives the rounds under way and a last drain `stop_timeout_s` each, then leaves what
    is left to the store (the next start, or another process, publishes it).
    """

    def __init__(
        self,
        bus: Publisher,
        *,
        poll_s: float = 1.0,
        batch: int = 200,
        mark_delay_s: float = 0.5,
        grace_s: float = 5.0,
        round_messages: int = 200,
        rounds_in_flight: int = 4,
        max_fresh: int = 5000,
        stop_timeout_s: float = 5.0,
    ) -> None:
        self._collections: list[AsyncCollection[Doc]] = []
        self._bus = bus
        self._batch = batch
        self._round_messages = round_messages
        self._rounds_in_flight = max(1, rounds_in_flight)
        self._max_fresh = max_fresh
        self._stop_timeout = stop_timeout_s
        self._backoff = 0.0
        self._poll_s = poll_s
        self._mark_delay = mark_delay_s
        self._grace_ms = int(grace_s * 1000)
        self._fresh: dict[Key, Written] = {}
        self._busy: set[Key] = set()
        """Documents in a round under way: no other round takes them before it settles."""
        self._rounds: set[asyncio.Task[None]] = set()
        self._marking: asyncio.Task[None] | None = None
        self._ledger = Ledger()
        self._polled_at = 0.0
        self._more_stored = False
        self._loop = Periodic(
            self._round, interval_s=min(poll_s, mark_delay_s), name="outbox-relay"
        )

    def add(self, collection: AsyncCollection[Doc]) -> None:
        """Publish the pending messages of this collection's documents too."""
        self._collections.append(collection)

    async def ensure_indexes(self) -> None:
        for collection in self._collections:
            await ensure_pending_index(collection)

    def written(self, write: Written) -> None:
        """A write of this process carries messages: publish them soon, from memory.

        When the broker falls behind and `max_fresh` documents wait already, a new one is left
        to the store's poll (after the grace period): memory stays bounded, nothing is lost.
        """
        key = (write.source.collection.full_name, write.doc_id)
        known = self._fresh.get(key)
        if known is None and len(self._fresh) >= self._max_fresh:
            return
        if known is None or known.version < write.version:
            self._fresh[key] = write
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        """Stop the loop, let the rounds under way settle, drain: each step within
        `stop_timeout_s`, whatever the store or the broker do (what is left stays pending in
        the store, published at the next start or by another process)."""
        await bounded(self._loop.stop(), self._stop_timeout, what="the relay's loop")
        for task in [*self._rounds, *([self._marking] if self._marking else [])]:
            await bounded(task, self._stop_timeout, what="a round under way")
        await bounded(self.drain_once(), self._stop_timeout, what="the last drain")

    async def _round(self) -> bool:
        """The loop's turn: start a round if there is work and room, and a mark if one is due."""
        if self._backoff:  # the broker is refusing or slow: give it room rather than more
            await asyncio.sleep(self._backoff)
        if len(self._rounds) >= self._rounds_in_flight:
            await asyncio.wait(self._rounds, return_when=asyncio.FIRST_COMPLETED)
        now = time.monotonic()
        poll = now - self._polled_at >= self._poll_s
        if poll:
            self._polled_at = now
        plans = await self._take(poll=poll, grace_ms=self._grace_ms, handled=set())
        if plans:
            self._busy.update(p.key for p in plans)
            task = asyncio.create_task(self._settle_round(plans), name="outbox-round")
            self._rounds.add(task)
            task.add_done_callback(self._rounds.discard)
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(
                self._mark_logged(now - self._mark_delay), name="outbox-mark"
            )
        if poll and self._more_stored and plans:  # the poll's batch was full of work
            self._polled_at = 0.0  # read the next one at once
            return True
        return any(key not in self._busy for key in self._fresh)

    async def _settle_round(self, plans: list[Plan]) -> None:
        """Publish a round and, while it succeeds and writes wait, the next one (no turn of the
        loop in between: on a busy service each turn costs milliseconds)."""
        while plans:
            try:
                _, failed = await self._send(plans)
            except Exception:  # still pending in the store: the poll takes it after the grace
                log.exception("outbox round failed")
                failed = 1
            finally:
                self._busy.difference_update(p.key for p in plans)
            self._backoff = min(self._backoff * 2 or 0.5, MAX_BACKOFF_S) if failed else 0.0
            plans = [] if failed else self._take_fresh(self._round_messages)[0]
            self._busy.update(p.key for p in plans)
        self._loop.wake()

    async def _mark_logged(self, older_than: float) -> None:
        try:
            await self._mark(older_than=older_than)
        except Exception:  # marked by a later round; meanwhile the messages may go out again
            log.exception("outbox mark failed")

    async def drain_once(self) -> tuple[int, int]:
        """Publish everything pending now, in memory or stored, and mark it all sent:
        (messages published, messages that failed)."""
        if self._rounds:
            await asyncio.wait(self._rounds)
        published = failed = 0
        handled: set[Key] = set()
        while self._fresh:
            plans = await self._take(poll=False, grace_ms=0, handled=handled)
            if not plans:
                break
            ok, bad = await self._send(plans, handled=handled)
            published, failed = published + ok, failed + bad
        ok, bad = await self._publish(poll=True, grace_ms=0, handled=handled)
        await self._mark(older_than=None)
        return published + ok, failed + bad

    async def _publish(
        self, *, poll: bool, grace_ms: int, handled: set[Key] | None = None
    ) -> tuple[int, int]:
        """One bounded round, taken and settled: (published, failed); `handled` collects the
        documents it took, and the poll skips them."""
        handled = set() if handled is None else handled
        plans = await self._take(poll=poll, grace_ms=grace_ms, handled=handled)
        return await self._send(plans, handled=handled)

    async def _send(self, plans: list[Plan], *, handled: set[Key] | None = None) -> tuple[int, int]:
        """Publish the plans' messages, wait for their confirms, record them in the ledger."""
        if handled is not None:
            handled.update(p.key for p in plans)
        OUTBOX_PENDING.set(len(plans) + len(self._fresh))
        pending = [publishable(m) for p in plans for m in p.todo]
        results = await self._bus.publish_many_stored(pending)
        confirmed = wall_ms()
        for message, error in zip(pending, results, strict=True):
            if error is None and AT in message:
                OUTBOX_LAG.observe(max(0, confirmed - int(message[AT])) / 1000)
        outcomes = zip(pending, results, strict=True)
        errors: dict[str, int] = {}
        published = sum(self._ledger.settle(plan, outcomes, errors) for plan in plans)
        failed = sum(errors.values())
        if errors:
            log.error("outbox messages not published", count=failed, errors=errors)
        return published, failed

    async def _take(self, *, poll: bool, grace_ms: int, handled: set[Key]) -> list[Plan]:
        """The documents of this round, fresh writes first, then (polling) stored ones.

        A round stops taking documents at `round_messages` messages (at least one document):
        their confirms come back in milliseconds, while a round of thousands (a backlog after a
        stall of the broker) would wait on them all and time out together, again and again.
        """
        plans, budget = self._take_fresh(self._round_messages)
        if poll and budget > 0:
            skip = {p.key for p in plans} | set(self._fresh) | self._busy | handled
            found, self._more_stored = await stored_plans(
                self._ledger, self._collections, grace_ms, skip=skip, batch=self._batch
            )
            # Read the next batch at once only when this one was full of work for us: a full
            # batch of documents this relay is publishing or marking itself is no reason.
            self._more_stored = self._more_stored and bool(found)
            for plan in found:
                plans.append(plan)
                budget -= len(plan.todo)
                if budget <= 0:
                    break
        return plans

    def _take_fresh(self, budget: int) -> tuple[list[Plan], int]:
        """This process's writes not in a round under way, up to `budget` messages (at least one
        document): the plans, and the budget left."""
        plans: list[Plan] = []
        for key in [k for k in self._fresh if k not in self._busy]:
            if budget <= 0:
                break
            w = self._fresh.pop(key)
            plan = self._ledger.plan(w.source.collection, w.source, w.doc_id, w.version, w.outbox)
            plans.append(plan)
            budget -= len(plan.todo)
        return plans, budget

    async def _mark(self, *, older_than: float | None) -> None:
        """Mark sent the documents published at least `mark_delay_s` ago (all when None)."""
        due = self._ledger.due(older_than=older_than, skip=set(self._fresh) | self._busy)
        for group in due.values():
            await mark_sent(group[0].collection, group)
            self._ledger.marked(group)
