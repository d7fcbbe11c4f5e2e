"""The batch mode of `MemoryBus`: as `messaging.batch` on RabbitMQ, over an in-memory queue."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from aftersales_shared.messaging import BatchHandler, Delivery, Outcome, Typed
from aftersales_shared.messaging.middleware import decode_typed
from aftersales_shared.metrics import MESSAGES_HANDLED

Settle = Callable[[Delivery, Outcome], None]

__all__ = ["BatchHandler", "consume_batches"]


async def consume_batches(
    queue: asyncio.Queue[Delivery],
    handler: BatchHandler,
    *,
    size: int,
    delay_s: float,
    settle: Settle,
) -> None:
    """Batches of up to `size`, cut `delay_s` after the first; a failed one goes back whole."""
    while True:
        taken = [await queue.get()]
        try:
            if queue.qsize() + 1 < size:
                await asyncio.sleep(delay_s)  # the batch delay itself, as on RabbitMQ
            while len(taken) < size and not queue.empty():
                taken.append(queue.get_nowait())
            await _handle(taken, handler, settle, queue)
        except asyncio.CancelledError:
            for delivery in taken:  # unsettled deliveries return to the queue
                queue.put_nowait(delivery)
            raise


async def _handle(
    taken: list[Delivery], handler: BatchHandler, settle: Settle, queue: asyncio.Queue[Delivery]
) -> None:
    batch: list[tuple[Delivery, Typed]] = []
    for delivery in taken:
        decoded = decode_typed(delivery)
        if isinstance(decoded, Outcome):
            settle(delivery, decoded)
        else:
            batch.append((delivery, decoded))
    taken.clear()
    if not batch:
        return
    try:
        await handler([typed for _, typed in batch])
    except Exception:
        for delivery, _ in batch:
            queue.put_nowait(delivery)
        return
    for message_type, n in Counter(t.meta.type for _, t in batch).items():
        MESSAGES_HANDLED.labels(type=message_type, result="ok").inc(n)
