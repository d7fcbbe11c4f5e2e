"""The batch mode of `MemoryBus`: as `messaging.batch` on RabbitMQ, over an in-memory queue."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Iterable

from aftersales_shared.messaging import BatchHandler, Delivery, Outcome, Typed
from aftersales_shared.messaging.batch import decode_batched
from aftersales_shared.metrics import MESSAGES_HANDLED

Settle = Callable[[Delivery, Outcome], None]

__all__ = ["BatchHandler", "MemoryBatches"]


class MemoryBatches:
    """One batch consumer of a `MemoryBus`, stopped alone as on RabbitMQ (`BatchConsumer`)."""

    def __init__(
        self,
        queue: asyncio.Queue[Delivery],
        handler: BatchHandler,
        *,
        size: int,
        delay_s: float,
        settle: Settle,
        types: Iterable[str] | None = None,
        service: str = "this service",
    ) -> None:
        self._queue, self._handler, self._size, self._delay = queue, handler, size, delay_s
        self._settle, self._service = settle, service
        self._types = None if types is None else frozenset(types)
        self._idle = asyncio.Event()
        self._idle.set()
        self._task = asyncio.create_task(self._run())

    @property
    def ready(self) -> bool:
        """Consuming (not stopped)."""
        return not self._task.done()

    async def stop(self, *, graceful: bool = True) -> None:
        """Stop taking deliveries; `graceful`: the batch in hand is handled first, else it
        returns to the queue. Idempotent."""
        if graceful:
            await self._idle.wait()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        """Batches of up to `size`, cut `delay_s` after the first; a failed one goes back whole."""
        queue = self._queue
        while True:
            taken = [await queue.get()]
            self._idle.clear()
            try:
                if queue.qsize() + 1 < self._size:
                    await asyncio.sleep(self._delay)  # the batch delay itself, as on RabbitMQ
                while len(taken) < self._size and not queue.empty():
                    taken.append(queue.get_nowait())
                await _handle(taken, self._handler, self._settle, queue, self._types, self._service)
            except asyncio.CancelledError:
                for delivery in taken:  # unsettled deliveries return to the queue
                    queue.put_nowait(delivery)
                raise
            finally:
                self._idle.set()


async def _handle(
    taken: list[Delivery],
    handler: BatchHandler,
    settle: Settle,
    queue: asyncio.Queue[Delivery],
    accepted: frozenset[str] | None,
    service: str,
) -> None:
    batch: list[tuple[Delivery, Typed]] = []
    for delivery in taken:
        decoded = decode_batched(delivery, types=accepted, service=service)
        if isinstance(decoded, Outcome):
            settle(delivery, decoded)
            MESSAGES_HANDLED.labels(type=delivery.type or "?", result=decoded.result).inc()
        else:
            batch.append((delivery, decoded))
    taken.clear()
    if not batch:
        return
    try:
        await handler([typed for _, typed in batch])
    except BaseException as exc:  # failed, or stopped at once: the batch returns whole
        for delivery, _ in batch:
            queue.put_nowait(delivery)
        if not isinstance(exc, Exception):
            raise
        return
    for message_type, n in Counter(t.meta.type for _, t in batch).items():
        MESSAGES_HANDLED.labels(type=message_type, result="ok").inc(n)
