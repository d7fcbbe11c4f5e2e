"""The batch mode of the consumer: deliveries handled a batch at a time, one multiple-ack each.

Each delivery is decoded and its payload validated as it arrives (one that does not validate
goes to the DLQ at once);
a batch is cut at `size` deliveries or `delay_s` after its first. Batches are handled strictly
in order, so a multiple-ack never covers another batch; a failed batch goes back to the queue
whole (a batch handler must be idempotent), and a batch never spans two channels.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable

import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from aftersales_shared.messaging.consumer import Consumers, Settler, delivery_of
from aftersales_shared.messaging.delivery import Outcome, Typed
from aftersales_shared.messaging.middleware import decode_typed
from aftersales_shared.metrics import MESSAGES_HANDLED

log = structlog.get_logger(__name__)

BatchHandler = Callable[[list[Typed]], Awaitable[None]]
"""Handles validated messages together; it raises to send the whole batch back."""
_Batch = list[tuple[AbstractIncomingMessage, Typed]]


class BatchConsumer:
    """Cuts deliveries into batches and hands each to the handler, in order."""

    def __init__(
        self, *, handler: BatchHandler, size: int, delay_s: float, settler: Settler
    ) -> None:
        self._handler, self._size, self._delay, self._settler = handler, size, delay_s, settler
        self._buffer: _Batch = []
        self._batches: asyncio.Queue[_Batch] = asyncio.Queue()
        self._timer: asyncio.TimerHandle | None = None
        self._worker: asyncio.Task[None] | None = None

    async def start(
        self, connection: AbstractRobustConnection, *, queue_name: str, consumers: Consumers
    ) -> None:
        """Consume `queue_name` with room for the batch being handled and the next."""
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=2 * self._size)
        queue = await channel.get_queue(queue_name, ensure=True)
        self._worker = asyncio.create_task(self._run(consumers))
        consumers.add(queue, await queue.consume(self._on_message), closer=self.drain)

    async def _on_message(self, raw: AbstractIncomingMessage) -> None:
        decoded = decode_typed(delivery_of(raw))
        if isinstance(decoded, Outcome):
            with contextlib.suppress(Exception):
                await self._settler.settle(raw, decoded)
            return
        if self._buffer and self._buffer[-1][0].channel is not raw.channel:
            self._cut()
        self._buffer.append((raw, decoded))
        if len(self._buffer) >= self._size:
            self._cut()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._cut)

    def _cut(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._buffer:
            self._batches.put_nowait(self._buffer)
        self._buffer = []

    async def _run(self, consumers: Consumers) -> None:
        while True:
            batch = await self._batches.get()
            try:
                with consumers.tracked():
                    await self._handle(batch)
            finally:
                self._batches.task_done()

    async def _handle(self, batch: _Batch) -> None:
        last = batch[-1][0]
        try:
            await self._handler([typed for _, typed in batch])
        except Exception as exc:
            log.warning("batch failed; back to the queue", error=str(exc), size=len(batch))
            with contextlib.suppress(Exception):
                await last.nack(multiple=True, requeue=True)
            return
        try:
            await last.ack(multiple=True)
        except Exception:
            log.exception("could not acknowledge a batch; the broker delivers it again")
            return
        for message_type, n in Counter(t.meta.type for _, t in batch).items():
            MESSAGES_HANDLED.labels(type=message_type, result="ok").inc(n)

    async def drain(self) -> None:
        """Handle what was received, then stop the worker."""
        self._cut()
        await self._batches.join()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
