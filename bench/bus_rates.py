"""Our bus against FastStream's RabbitBroker: publish and consume rates (input to issue 15).

    uv run --frozen --group bench python bench/bus_rates.py [--messages 20000] [--runs 5]

Against the RabbitMQ at AMQP_URL, in a fresh namespace deleted afterwards. The same envelopes
(`serviceorder.*` events, routed by the topic exchange into the durable quorum queue
`<namespace>.metrics-svc`) go through both sides, which run in alternation, A B A B ...:

- publish: persistent, mandatory, publisher confirms, one connection, rounds of `--round`
  concurrent publishes, as the outbox relay does (`Bus.publish_many_stored`; FastStream:
  `RabbitBroker.publish` gathered, on a channel with `on_return_raises`, so unroutable raises);
- consume, prefetch 32: the handler gets the envelope as its typed model and the message is
  acked after it (`Bus.consume`; FastStream: a subscriber whose parameter is that model);
- consume, batch: the bus's batch mode as metrics-svc consumes it (batches of `--batch`, one
  multiple-ack each, their facts), against a FastStream subscriber that takes the typed model,
  computes the same facts and acks by batch by hand (FastStream has no batch subscriber for
  RabbitMQ).

The clock stops when the handler has seen every message; each phase then checks the queue is
empty. Each pair prints both rates, the ratio ours / FastStream, the CPU this process spent per
message (less inflated by other load than a rate is); each run, the load average before and
after it; at the end, the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aftersales_shared.contracts import Envelope, decode, envelope
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.messaging import Bus, Topology, Typed, delete_namespace, stored_form
from aftersales_testkit import depth
from faststream.middlewares import AckPolicy
from faststream.rabbit import Channel, ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from faststream.rabbit.schemas import QueueType
from metrics_svc.domain.facts import Fact
from metrics_svc.entrypoints.consumer import IN_STORE, on_batch
from metrics_svc.handlers.wire import facts_of

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
SERVICE = "metrics-svc"
KINDS = ("applied", "claimed", "audited", "received", "processed", "resolved", "rated")
Stored = dict[str, Any]
Figures = tuple[float, float]
"""Messages per second, and CPU µs of this process per message."""
Phase = Callable[..., Awaitable[Figures]]


class OrderEventMessage(Envelope):
    """The envelope with its payload typed: what a typed handler receives."""

    payload: ServiceOrderEvent  # type: ignore[assignment]


def messages(count: int) -> list[Stored]:
    """`count` order events in their stored (outbox) form, of several types and sellers."""
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        event = ServiceOrderEvent(
            order_id=f"so-{i}", order_no=f"B-{i}", seller_id=f"s-{i % 500}", category="phones",
            customer_tier="NORMAL", status_from="PENDING", status_to="DONE", command=kind,
            actor_id="c-1", actor_role="customer", paid_amount="99.00", applied_at=now,
            order_version=1 + i % 7, audit_result="APPROVE_RETURN" if kind == "audited" else None,
            rating="GOOD" if kind == "rated" else None,
        )  # fmt: skip
        out.append(stored_form(envelope(
            type=f"serviceorder.{kind}", payload=event, occurred_at=now, seller_id=event.seller_id
        )))  # fmt: skip
    return out


class Seen:
    """Counts handled messages; `done` is set at the expected count."""

    def __init__(self, expected: int) -> None:
        self.expected, self.count, self.done = expected, 0, asyncio.Event()

    def hit(self, n: int = 1) -> None:
        self.count += n
        if self.count >= self.expected:
            self.done.set()


async def timed(run: Callable[[], Awaitable[None]], count: int) -> Figures:
    """The figures of one phase that handles `count` messages."""
    wall, cpu = time.perf_counter(), time.process_time()
    await run()
    return count / (time.perf_counter() - wall), (time.process_time() - cpu) / count * 1e6


def chunks(stored: list[Stored], size: int) -> list[list[Stored]]:
    return [stored[i : i + size] for i in range(0, len(stored), size)]


async def ours_publish(ns: str, stored: list[Stored], *, size: int) -> Figures:
    bus = Bus(url=AMQP_URL, namespace=ns, service=SERVICE)
    await bus.connect()

    async def run() -> None:
        for part in chunks(stored, size):
            errors = [e for e in await bus.publish_many_stored(part) if e is not None]
            if errors:
                raise RuntimeError(f"{len(errors)} publishes failed: {errors[0]!r}")

    try:
        return await timed(run, len(stored))
    finally:
        await bus.close()


def fs_broker() -> RabbitBroker:
    # logger=None: FastStream logs every message at INFO by default; our bus logs none
    confirmed = Channel(publisher_confirms=True, on_return_raises=True)
    return RabbitBroker(AMQP_URL, logger=None, default_channel=confirmed)


async def fs_publish(ns: str, stored: list[Stored], *, size: int) -> Figures:
    broker = fs_broker()
    await broker.connect()
    exchange = RabbitExchange(ns, type=ExchangeType.TOPIC, durable=True)
    await broker.declare_exchange(exchange)

    async def one(m: Stored) -> None:
        await broker.publish(
            str(m["body"]).encode(), exchange=exchange, routing_key=f"event.{m['type']}",
            mandatory=True, persist=True, message_id=m["id"], message_type=m["type"],
            correlation_id=m["correlation_id"], content_type="application/json", timeout=10,
        )  # fmt: skip

    async def run() -> None:
        for part in chunks(stored, size):
            await asyncio.gather(*(one(m) for m in part))

    try:
        return await timed(run, len(stored))
    finally:
        await broker.stop()


async def ours_consume(ns: str, stored: list[Stored], *, size: int) -> Figures:
    bus, seen = Bus(url=AMQP_URL, namespace=ns, service=SERVICE, prefetch=size), Seen(len(stored))
    await bus.connect()

    async def handler(message: Envelope) -> None:
        decode(message)
        seen.hit()

    async def run() -> None:
        await bus.consume(handler)
        await seen.done.wait()

    try:
        return await timed(run, len(stored))
    finally:
        await bus.close()


def fs_quorum(ns: str) -> RabbitQueue:
    return RabbitQueue(Topology(ns).queue(SERVICE), queue_type=QueueType.QUORUM, durable=True)


async def fs_consume(ns: str, stored: list[Stored], *, size: int) -> Figures:
    broker, seen = fs_broker(), Seen(len(stored))

    @broker.subscriber(fs_quorum(ns), channel=Channel(prefetch_count=size))
    async def handler(message: OrderEventMessage) -> None:
        seen.hit()

    await broker.connect()

    async def run() -> None:
        await broker.start()
        await seen.done.wait()

    try:
        return await timed(run, len(stored))
    finally:
        await broker.stop()


class CountingIngestor:
    """Stands for metrics-svc's store writer: the batch's facts are only counted."""

    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def write(self, facts: Iterable[Fact]) -> None:
        list(facts)


async def ours_batch(ns: str, stored: list[Stored], *, size: int) -> Figures:
    bus, seen = Bus(url=AMQP_URL, namespace=ns, service=SERVICE), Seen(len(stored))
    await bus.connect()
    write = on_batch(CountingIngestor(seen))  # type: ignore[arg-type]

    async def handle(batch: list[Typed]) -> None:
        await write(batch)
        seen.hit(len(batch))

    async def run() -> None:
        await bus.consume_batches(handle, size=size, delay_s=0.05, in_flight=IN_STORE)
        await seen.done.wait()

    try:
        return await timed(run, len(stored))
    finally:
        await bus.close()


class Acker:
    """Acks by batch: up to the highest tag below which every delivery was handled."""

    def __init__(self, *, batch: int, delay_s: float) -> None:
        self.batch, self.delay_s = batch, delay_s
        self.handled: set[int] = set()
        self.mark = self.acked = 0
        self.channel: Any = None
        self.timer: asyncio.TimerHandle | None = None

    async def handled_one(self, raw: Any) -> None:
        self.channel = raw.channel
        self.handled.add(raw.delivery_tag)
        while self.mark + 1 in self.handled:
            self.mark += 1
            self.handled.discard(self.mark)
        if self.mark - self.acked >= self.batch:
            await self.ack()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(
                self.delay_s, lambda: asyncio.ensure_future(self.ack())
            )

    async def ack(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.mark > self.acked:
            self.acked = self.mark
            await self.channel.basic_ack(self.mark, multiple=True)


async def fs_batch(ns: str, stored: list[Stored], *, size: int) -> Figures:
    broker, seen, acker = fs_broker(), Seen(len(stored)), Acker(batch=size, delay_s=0.05)
    channel = Channel(prefetch_count=(IN_STORE + 1) * size)

    @broker.subscriber(fs_quorum(ns), channel=channel, ack_policy=AckPolicy.MANUAL)
    async def handler(message: OrderEventMessage, raw: RabbitMessage) -> None:
        facts_of(message.type, message.payload, message.occurred_at)
        seen.hit()
        await acker.handled_one(raw.raw_message)

    await broker.connect()

    async def run() -> None:
        await broker.start()
        await seen.done.wait()

    try:
        return await timed(run, len(stored))
    finally:
        await acker.ack()
        await broker.stop()


SIDES: dict[str, tuple[Phase, Phase, Phase]] = {
    "ours": (ours_publish, ours_consume, ours_batch),
    "faststream": (fs_publish, fs_consume, fs_batch),
}


async def side(name: str, ns: str, stored: list[Stored], args: Any) -> dict[str, Figures]:
    """One side's phases; each consume phase drains what the publish before it put."""
    publish, consume, batch = SIDES[name]
    figures = {"publish": await publish(ns, stored, size=args.round)}
    figures[f"consume prefetch {args.prefetch}"] = await consume(ns, stored, size=args.prefetch)
    await empty(ns)
    await publish(ns, stored, size=args.round)  # not timed again: it refills the queue
    figures[f"consume batch {args.batch}"] = await batch(ns, stored, size=args.batch)
    await empty(ns)
    return figures


async def empty(ns: str) -> None:
    """Every message was settled: none is back in the queue once its consumer is gone."""
    left = await depth(AMQP_URL, Topology(ns).queue(SERVICE))
    if left:
        raise RuntimeError(f"{left} messages were not acked")


def line(phase: str, pairs: list[tuple[Figures, Figures]]) -> str:
    """A phase's figures, ours then FastStream's, and the rate ratio (medians of `pairs`)."""
    med = [statistics.median(p[side][i] for p in pairs) for side in (0, 1) for i in (0, 1)]
    ratio = statistics.median(ours[0] / theirs[0] for ours, theirs in pairs)
    return (
        f"  {phase:<22} ours {med[0]:>8,.0f} ({med[1]:>4.0f})  "
        f"faststream {med[2]:>8,.0f} ({med[3]:>4.0f})  ratio {ratio:.2f}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--round", type=int, default=1000, help="concurrent publishes a round")
    parser.add_argument("--warmup", type=int, default=2000, help="messages, each side, first")
    parser.add_argument("--prefetch", type=int, default=32)
    parser.add_argument("--batch", type=int, default=1000, help="as metrics-svc's default")
    args = parser.parse_args()
    ns = f"bench-bus-{uuid.uuid4().hex[:8]}"
    stored = messages(args.messages)
    bus = Bus(url=AMQP_URL, namespace=ns, service=SERVICE)
    await bus.connect()  # the whole topology, as the services declare it
    await bus.close()
    print(f"{args.messages:,} messages, {args.runs} runs, namespace {ns}; rate/s (CPU µs/msg)")
    pairs: dict[str, list[tuple[Figures, Figures]]] = {}
    try:
        for name in SIDES:  # warm-up, not reported: first connections, imports, caches
            await side(name, ns, stored[: args.warmup], args)
        for run in range(1, args.runs + 1):
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            a = await side("ours", ns, stored, args)
            b = await side("faststream", ns, stored, args)
            after = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"run {run}: load average {load} before, {after} after", flush=True)
            for phase, figures in a.items():
                pairs.setdefault(phase, []).append((figures, b[phase]))
                print(line(phase, [(figures, b[phase])]), flush=True)
        print(f"medians over the {args.runs} runs (ratio: median of the pairs' ratios):")
        for phase, runs in pairs.items():
            print(line(phase, runs))
    finally:
        await delete_namespace(AMQP_URL, ns)


if __name__ == "__main__":
    asyncio.run(main())
