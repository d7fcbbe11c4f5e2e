"""metrics-svc's own consumer of its queue: batches of deliveries, one multiple-ack per batch.

The frame's per-message consumer acknowledges (and records in an inbox) every message on its
own; at thousands of events a second that is the bottleneck. Here a batch of deliveries is
written at once (see `Ingestor.write`) and settled with one `ack(multiple=True)`. Two batches
can be in the store at once, so the store never waits for the service between them; batches
are settled strictly in order, so a multiple-ack never covers another batch. A message that
can never be handled goes to the service's dead-letter queue; a failed write puts the whole
batch back on the queue (facts are idempotent, so a redelivery counts once).

Deliveries are taken from the AMQP channel underneath aio-pika's robust channel: aio-pika's own
consumer wraps each delivery in an `IncomingMessage` and a second task, which cost more CPU here
than everything metrics-svc does with the message. Each delivery is parsed as it arrives, while
the previous batch is being written. The robust connection still reconnects; the consumer is
registered again on the new channel (deliveries of the old one come back from the broker).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import structlog
from aftersales_shared.messaging import Topology
from aftersales_shared.metrics import MESSAGES_HANDLED
from aio_pika.abc import AbstractRobustChannel, AbstractRobustConnection
from aiormq.abc import AbstractChannel, DeliveredMessage

from metrics_svc.adapters.ingest import Ingestor, Parsed, parse

log = structlog.get_logger(__name__)
IN_STORE = 2
"""Batches being written at once; with one more arriving, the prefetch is this + 1 batches."""


@dataclass
class Batch:
    channel: AbstractChannel
    """The channel the deliveries came on: their tags mean something only there."""
    deliveries: list[tuple[DeliveredMessage, Parsed]] = field(default_factory=list)


class BatchConsumer:
    def __init__(
        self, *, url: str, topology: Topology, ingestor: Ingestor, batch: int, delay_s: float
    ) -> None:
        self._url, self._topology, self._ingestor = url, topology, ingestor
        self._batch_size, self._delay = batch, delay_s
        self._buffer: Batch | None = None
        self._batches: asyncio.Queue[Batch] = asyncio.Queue()
        self._written: asyncio.Queue[tuple[Batch, asyncio.Task[Exception | None]]] = asyncio.Queue()
        self._slots = asyncio.Semaphore(IN_STORE)
        self._timer: asyncio.TimerHandle | None = None
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractRobustChannel | None = None
        self._workers: list[asyncio.Task[None]] = []

    @property
    def ready(self) -> bool:
        c = self._connection
        return c is not None and not c.is_closed and c.connected.is_set()

    async def start(self) -> None:
        """Connect and consume `<namespace>.metrics-svc` with room for the batches in flight."""
        self._connection = await aio_pika.connect_robust(
            self._url, client_properties={"connection_name": "metrics-svc-ingest"}
        )
        channel = await self._connection.channel()
        assert isinstance(channel, AbstractRobustChannel)
        self._channel = channel
        await channel.set_qos(prefetch_count=(IN_STORE + 1) * self._batch_size)
        await channel.get_queue(self._topology.queue("metrics-svc"), ensure=True)
        channel.reopen_callbacks.add(self._on_reopen)
        self._workers = [asyncio.create_task(self._write()), asyncio.create_task(self._settle())]
        await self._consume()

    async def _consume(self) -> None:
        assert self._channel is not None
        underlay = await self._channel.get_underlay_channel()
        await underlay.basic_consume(self._topology.queue("metrics-svc"), self._on_delivery)

    async def _on_reopen(self, *_: Any) -> None:
        """After a reconnect: the broker redelivers what the old channel had not settled."""
        self._buffer = None
        await self._consume()

    async def stop(self) -> None:
        """Write what was received, then close (unsettled deliveries return to the queue)."""
        self._cut()
        await self._batches.join()
        for worker in self._workers:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def abort(self) -> None:
        """Stop at once, writing nothing more: the broker redelivers every unsettled delivery."""
        if self._timer is not None:
            self._timer.cancel()
        self._buffer = None
        for worker in self._workers:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    async def _on_delivery(self, raw: DeliveredMessage) -> None:
        if self._buffer is None or self._buffer.channel is not raw.channel:
            self._cut()
            self._buffer = Batch(raw.channel)
        self._buffer.deliveries.append((raw, parse(raw.body)))
        if len(self._buffer.deliveries) >= self._batch_size:
            self._cut()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._cut)

    def _cut(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._buffer is not None and self._buffer.deliveries:
            self._batches.put_nowait(self._buffer)
        self._buffer = None

    async def _write(self) -> None:
        """Start writing each batch in turn, at most `IN_STORE` at once."""
        while True:
            batch = await self._batches.get()
            await self._slots.acquire()
            self._written.put_nowait((batch, asyncio.create_task(self._written_or_error(batch))))

    async def _written_or_error(self, batch: Batch) -> Exception | None:
        try:
            await self._ingestor.write([parsed for _, parsed in batch.deliveries])
        except Exception as exc:
            return exc
        finally:
            self._slots.release()
        return None

    async def _settle(self) -> None:
        """Settle the batches in the order they arrived, as their writes end."""
        while True:
            batch, writing = await self._written.get()
            try:
                await self._settle_one(batch, await writing)
            except Exception:
                log.exception("could not settle a batch; it goes back to the queue")
                with contextlib.suppress(Exception):
                    await batch.channel.basic_nack(_last_tag(batch), multiple=True, requeue=True)
            finally:
                self._batches.task_done()

    async def _settle_one(self, batch: Batch, error: Exception | None) -> None:
        if error is not None:
            size = len(batch.deliveries)
            log.warning("batch not written; back to the queue", error=str(error), size=size)
            await asyncio.sleep(1.0)
            await batch.channel.basic_nack(_last_tag(batch), multiple=True, requeue=True)
            return
        handled: Counter[str] = Counter()
        for raw, parsed in batch.deliveries:
            if parsed.reject is not None:
                await self._dead_letter(raw, parsed.reject)
            else:
                handled[parsed.type] += 1
        # not waiting for the frame to be written lets the next batch reach the store sooner;
        # the channel writes frames in order, so a later nack never overtakes this ack
        await batch.channel.basic_ack(_last_tag(batch), multiple=True, wait=False)
        for message_type, n in handled.items():
            MESSAGES_HANDLED.labels(type=message_type, result="ok").inc(n)

    async def _dead_letter(self, raw: DeliveredMessage, reason: str) -> None:
        log.error("message dead-lettered", reason=reason[:300])
        channel = await self._connection.channel() if self._connection else None
        if channel is None:
            return
        properties = raw.header.properties
        await channel.default_exchange.publish(
            aio_pika.Message(
                raw.body,
                headers={**(properties.headers or {}), "x-failure-reason": reason[:2000]},
                message_id=properties.message_id,
                type=properties.message_type,
                delivery_mode=2,
            ),
            routing_key=self._topology.dead_letter_queue("metrics-svc"),
        )
        await channel.close()
        MESSAGES_HANDLED.labels(type=properties.message_type or "?", result="dead_lettered").inc()


def _last_tag(batch: Batch) -> int:
    tag = batch.deliveries[-1][0].delivery_tag
    assert tag is not None
    return tag
