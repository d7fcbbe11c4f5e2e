"""metrics-svc's own consumer of its queue: batches of deliveries, one multiple-ack per batch.

The frame's per-message consumer acknowledges (and records in an inbox) every message on its
own; at thousands of events a second that is the bottleneck. Here a batch of deliveries is
written at once (see `Ingestor.write`) and settled with one `ack(multiple=True)`. Batches are
settled strictly in order by one worker, so a multiple-ack never covers another batch. A
message that can never be handled goes to the service's dead-letter queue; a failed write puts
the whole batch back on the queue (facts are idempotent, so a redelivery counts once).
"""

from __future__ import annotations

import asyncio
import contextlib

import aio_pika
import structlog
from aftersales_shared.bus import Topology
from aftersales_shared.contracts import Envelope
from aftersales_shared.metrics import MESSAGES_HANDLED
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError

from metrics_svc.adapters.ingest import Ingestor

log = structlog.get_logger(__name__)
Batch = list[tuple[AbstractIncomingMessage, Envelope | None]]


class BatchConsumer:
    def __init__(
        self, *, url: str, topology: Topology, ingestor: Ingestor, batch: int, delay_s: float
    ) -> None:
        self._url, self._topology, self._ingestor = url, topology, ingestor
        self._batch_size, self._delay = batch, delay_s
        self._buffer: Batch = []
        self._batches: asyncio.Queue[Batch] = asyncio.Queue()
        self._timer: asyncio.TimerHandle | None = None
        self._connection: AbstractRobustConnection | None = None
        self._worker: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        c = self._connection
        return c is not None and not c.is_closed and c.connected.is_set()

    async def start(self) -> None:
        """Connect and consume `<namespace>.metrics-svc` with room for two batches in flight."""
        self._connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": "metrics-svc-ingest"}
        )
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=2 * self._batch_size)
        queue = await channel.get_queue(self._topology.queue("metrics-svc"), ensure=True)
        self._worker = asyncio.create_task(self._work())
        await queue.consume(self._on_message)

    async def stop(self) -> None:
        """Write what was received, then close (unsettled deliveries return to the queue)."""
        self._cut()
        await self._batches.join()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _on_message(self, raw: AbstractIncomingMessage) -> None:
        try:
            message: Envelope | None = Envelope.model_validate_json(raw.body)
        except ValidationError:
            message = None
        self._buffer.append((raw, message))
        if len(self._buffer) >= self._batch_size:
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

    async def _work(self) -> None:
        while True:
            batch = await self._batches.get()
            try:
                await self._settle(batch)
            except Exception:
                log.exception("could not settle a batch; it goes back to the queue")
                with contextlib.suppress(Exception):
                    await batch[-1][0].nack(multiple=True, requeue=True)
            finally:
                self._batches.task_done()

    async def _settle(self, batch: Batch) -> None:
        messages = [m for _, m in batch if m is not None]
        try:
            rejected = await self._ingestor.write(messages)
        except Exception as exc:
            log.warning("batch not written; back to the queue", error=str(exc), size=len(batch))
            await asyncio.sleep(1.0)
            await batch[-1][0].nack(multiple=True, requeue=True)
            return
        for raw, message in batch:
            reason = "not an envelope" if message is None else rejected.get(message.id)
            if reason is not None:
                await self._dead_letter(raw, reason)
        await batch[-1][0].ack(multiple=True)
        for _, message in batch:
            if message is not None and message.id not in rejected:
                MESSAGES_HANDLED.labels(type=message.type, result="ok").inc()

    async def _dead_letter(self, raw: AbstractIncomingMessage, reason: str) -> None:
        log.error("message dead-lettered", reason=reason[:300])
        channel = await self._connection.channel() if self._connection else None
        if channel is None:
            return
        await channel.default_exchange.publish(
            aio_pika.Message(
                raw.body,
                headers={**(raw.headers or {}), "x-failure-reason": reason[:2000]},
                message_id=raw.message_id,
                type=raw.type,
                delivery_mode=2,
            ),
            routing_key=self._topology.dead_letter_queue("metrics-svc"),
        )
        await channel.close()
        MESSAGES_HANDLED.labels(type=raw.type or "?", result="dead_lettered").inc()
