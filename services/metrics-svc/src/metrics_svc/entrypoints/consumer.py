"""The consumer of the order events: the shared bus's batch mode, one multiple-ack per batch.

At thousands of events a second a per-message acknowledgement is the bottleneck, so the queue
is consumed a batch at a time (`aftersales_shared.messaging.batch`): each delivery is validated
as it arrives (an invalid one, or one of a type metrics-svc does not consume, goes to the DLQ
at once), a batch's money movements go to the ledger (`handlers.ledger.Bookkeeper.record`), its
facts are written together (`handlers.ingest.Ingestor.write`) and the batch is acknowledged
after they are stored. Two batches can be in the store at once. A failed write
puts the whole batch back on the queue, after a pause (facts are idempotent: it counts once).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aftersales_shared.contracts import consumed_by
from aftersales_shared.messaging import BatchHandler, Typed
from aftersales_shared.messaging.middleware import pausing_on_failure

from metrics_svc.handlers.ingest import Ingestor
from metrics_svc.handlers.ledger import Bookkeeper, records_of_batch
from metrics_svc.handlers.wire import facts_of_batch
from metrics_svc.ports import Consumption

SERVICE = "metrics-svc"
IN_STORE = 2
"""Batches being written at once; with one more arriving, the prefetch is this + 1 batches."""
FAILED_PAUSE_S = 1.0
"""How long a batch whose write failed waits before it goes back to the queue."""


class BatchBus(Protocol):
    """The bus's batch mode (`Bus` on RabbitMQ, `MemoryBus` in tests)."""

    async def consume_batches(
        self,
        handler: BatchHandler,
        *,
        size: int,
        delay_s: float,
        in_flight: int = 2,
        types: Iterable[str] | None = None,
    ) -> Consumption: ...


def on_batch(ingestor: Ingestor, bookkeeper: Bookkeeper | None = None) -> BatchHandler:
    """Write the money movements and the facts of a batch of validated messages (and the fines
    of late penalty facts); raise to send the batch back."""

    async def handle(messages: list[Typed]) -> None:
        facts = facts_of_batch(messages)
        if bookkeeper is not None:
            await bookkeeper.record(records_of_batch(messages))
        await ingestor.write(facts)
        if bookkeeper is not None:
            await bookkeeper.book_late_fines(facts, ingestor.closed)

    return pausing_on_failure(handle, pause_s=FAILED_PAUSE_S, what="batch not written")


async def consume(
    bus: BatchBus,
    ingestor: Ingestor,
    *,
    size: int,
    delay_s: float,
    bookkeeper: Bookkeeper | None = None,
) -> Consumption:
    """Start consuming metrics-svc's queue into `ingestor` (and the ledger); `stop` it to step
    down."""
    return await bus.consume_batches(
        on_batch(ingestor, bookkeeper),
        size=size,
        delay_s=delay_s,
        in_flight=IN_STORE,
        types=[spec.type for spec in consumed_by(SERVICE)],
    )
