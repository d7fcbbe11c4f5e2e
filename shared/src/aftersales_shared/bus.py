"""RabbitMQ through aio-pika: confirmed mandatory publishes, quorum queues, bounded retries, DLQ."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import aio_pika
import aiormq
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from aiormq.abc import FieldTable
from pydantic import ValidationError

from aftersales_shared.contracts import REGISTRY, SERVICES, Envelope, consumed_by, spec_for
from aftersales_shared.errors import PermanentMessageError
from aftersales_shared.logs import bind_contextvars
from aftersales_shared.metrics import MESSAGES_HANDLED, MESSAGES_PUBLISHED

log = structlog.get_logger(__name__)

Handler = Callable[[Envelope], Awaitable[None]]
QUORUM: FieldTable = {"x-queue-type": "quorum"}
PERSISTENT = int(aio_pika.DeliveryMode.PERSISTENT)
_TRANSIENT = (
    aiormq.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelInvalidStateError,
    ConnectionError,
    asyncio.TimeoutError,
)


def stored_form(message: Envelope) -> dict[str, Any]:
    """A message as an outbox keeps it and the bus publishes it: the body serialized once."""
    return {
        "id": message.id,
        "type": message.type,
        "correlation_id": message.correlation_id,
        "body": message.model_dump_json(),
    }


class Unroutable(Exception):
    """The broker could not route a mandatory message: no queue is bound for its routing key."""


class Inbox(Protocol):
    """Ids of messages already handled, so a redelivery changes nothing."""

    async def seen(self, message_id: str) -> bool: ...

    async def record(self, message_id: str) -> None: ...


@dataclass(frozen=True)
class Topology:
    """The names of everything declared on the broker for one namespace."""

    namespace: str

    @property
    def exchange(self) -> str:
        return self.namespace

    def queue(self, service: str) -> str:
        return f"{self.namespace}.{service}"

    def retry_queue(self, service: str) -> str:
        return f"{self.namespace}.{service}.retry"

    def dead_letter_queue(self, service: str) -> str:
        return f"{self.namespace}.{service}.dlq"

    def all_queues(self) -> list[str]:
        return [
            name
            for service in SERVICES
            for name in (
                self.queue(service),
                self.retry_queue(service),
                self.dead_letter_queue(service),
            )
        ]


class Bus:
    """One connection per process: a confirming publisher and this service's consumers."""

    def __init__(
        self,
        *,
        url: str,
        namespace: str,
        service: str,
        prefetch: int = 32,
        max_retries: int = 5,
        retry_delay_ms: int = 1000,
        publish_timeout_s: float = 10.0,
        connect_timeout_s: float = 60.0,
        shutdown_grace_s: float = 20.0,
        connection_name: str | None = None,
    ) -> None:
        self.topology = Topology(namespace)
        self.connection_name = connection_name or f"{namespace}/{service}"
        self.service = service
        self._url = url
        self._prefetch = prefetch
        self._max_retries = max_retries
        self._retry_delay_ms = retry_delay_ms
        self._publish_timeout = publish_timeout_s
        self._connect_timeout = connect_timeout_s
        self._grace = shutdown_grace_s
        self._connection: AbstractRobustConnection | None = None
        self._publish_channel: AbstractChannel | None = None
        self._consumers: list[tuple[AbstractQueue, str]] = []
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    async def connect(self) -> None:
        """Connect (retrying until the connect timeout) and declare the whole topology."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._connect_timeout
        delay = 0.2
        while True:
            try:
                self._connection = await aio_pika.connect_robust(
                    self._url,
                    reconnect_interval=1,
                    client_properties={"connection_name": self.connection_name},
                )
                break
            except (*_TRANSIENT, OSError) as exc:
                if loop.time() + delay > deadline:
                    raise ConnectionError(f"RabbitMQ unreachable at startup: {exc}") from exc
                log.warning("broker not reachable yet, retrying", error=str(exc), delay=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self._publish_channel = await self._connection.channel(
            publisher_confirms=True, on_return_raises=True
        )
        await self._declare_topology(self._publish_channel)

    async def _declare_topology(self, channel: AbstractChannel) -> AbstractExchange:
        exchange = await channel.declare_exchange(
            self.topology.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        for service in SERVICES:
            queue = await channel.declare_queue(
                self.topology.queue(service), durable=True, arguments=QUORUM
            )
            for spec in consumed_by(service):
                await queue.bind(exchange, routing_key=spec.routing_key)
        await channel.declare_queue(
            self.topology.dead_letter_queue(self.service), durable=True, arguments=QUORUM
        )
        await channel.declare_queue(
            self.topology.retry_queue(self.service),
            durable=True,
            arguments={
                "x-message-ttl": self._retry_delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.topology.queue(self.service),
            },
        )
        return exchange

    @property
    def ready(self) -> bool:
        """Connected, and every consumer that was started is attached."""
        connection = self._connection
        return (
            connection is not None
            and not connection.is_closed
            and connection.connected.is_set()
            and not self._closing
        )

    async def publish(self, message: Envelope) -> None:
        """Publish and wait for the broker's confirm; Unroutable when no queue takes it."""
        await self.publish_stored(stored_form(message))

    async def publish_stored(self, stored: Mapping[str, Any]) -> None:
        """Publish a message in its stored form (`stored_form`): id, type, correlation_id and
        its JSON body."""
        message_type = str(stored["type"])
        spec = spec_for(message_type)
        await self._publish_raw(
            exchange_name=self.topology.exchange,
            routing_key=spec.routing_key,
            body=str(stored["body"]).encode(),
            message_id=str(stored["id"]),
            message_type=message_type,
            correlation_id=stored.get("correlation_id"),
            mandatory=not spec.broadcast,
        )
        MESSAGES_PUBLISHED.labels(type=message_type).inc()

    async def publish_many_stored(
        self, messages: Iterable[Mapping[str, Any]]
    ) -> list[BaseException | None]:
        """`publish_stored` concurrently (confirms pipelined); per message None, or the error."""
        results = await asyncio.gather(
            *(self.publish_stored(message) for message in messages), return_exceptions=True
        )
        return [r if isinstance(r, BaseException) else None for r in results]

    async def publish_many(self, messages: Iterable[Envelope]) -> list[BaseException | None]:
        """Publish concurrently (confirms pipelined); per message None, or the error."""
        results = await asyncio.gather(
            *(self.publish(message) for message in messages), return_exceptions=True
        )
        return [r if isinstance(r, BaseException) else None for r in results]

    async def _publish_raw(
        self,
        *,
        exchange_name: str,
        routing_key: str,
        body: bytes,
        message_id: str,
        message_type: str,
        correlation_id: str | None,
        mandatory: bool = True,
        headers: dict[str, Any] | None = None,
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._publish_timeout
        # Straight to aiormq's channel: aio-pika's Message and Exchange wrappers cost more CPU
        # than the publish itself, and the relay publishes thousands of messages a second
        # (aio-pika also gives no way to say wait=False, below).
        properties = aiormq.spec.Basic.Properties(
            content_type="application/json",
            delivery_mode=PERSISTENT,
            message_id=message_id,
            message_type=message_type,
            correlation_id=correlation_id,
            headers=headers or {},
        )
        while True:
            channel = self._publish_channel
            if channel is None:
                raise ConnectionError("the bus is not connected")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"publish of {message_type} not confirmed in time")
            try:
                underlay = cast(aiormq.Channel, await channel.get_underlay_channel())
                await underlay.basic_publish(
                    body,
                    exchange=exchange_name,
                    routing_key=routing_key,
                    properties=properties,
                    mandatory=mandatory,
                    timeout=remaining,
                    # Not waiting for the frame to reach the socket: with wait=True the channel's
                    # lock is held until the writer task has drained it, one publish per turn of
                    # a busy event loop (a few hundred a second). The broker's confirm is what
                    # we wait for; a connection lost before the write fails it, and we retry.
                    wait=False,
                )
                return
            except aiormq.exceptions.PublishError as exc:
                raise Unroutable(f"no queue bound for {routing_key!r} ({message_type})") from exc
            except _TRANSIENT as exc:
                if loop.time() + 0.2 >= deadline:
                    raise TimeoutError(f"publish of {message_type} failed: {exc!r}") from exc
                await asyncio.sleep(0.2)

    async def consume(self, handler: Handler, *, inbox: Inbox | None = None) -> None:
        """Start consuming this service's queue; each message runs `handler` once in effect."""
        assert self._connection is not None, "connect() first"
        channel = await self._connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=self._prefetch)
        queue = await channel.get_queue(self.topology.queue(self.service), ensure=True)

        async def on_message(raw: AbstractIncomingMessage) -> None:
            await self._handle(raw, handler, inbox)

        tag = await queue.consume(on_message)
        self._consumers.append((queue, tag))

    async def consume_broadcast(self, types: Iterable[str], handler: Handler) -> None:
        """Receive broadcast messages in this process (an exclusive, auto-deleted queue)."""
        assert self._connection is not None, "connect() first"
        channel = await self._connection.channel()
        exchange = await channel.get_exchange(self.topology.exchange)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for message_type in types:
            spec = spec_for(message_type)
            if not spec.broadcast:
                raise ValueError(f"{message_type} is not a broadcast message")
            await queue.bind(exchange, routing_key=spec.routing_key)

        async def on_message(raw: AbstractIncomingMessage) -> None:
            async with raw.process(requeue=False, ignore_processed=True):
                await handler(Envelope.model_validate_json(raw.body))

        tag = await queue.consume(on_message)
        self._consumers.append((queue, tag))

    async def _handle(
        self, raw: AbstractIncomingMessage, handler: Handler, inbox: Inbox | None
    ) -> None:
        self._inflight += 1
        self._idle.clear()
        try:
            await self._dispatch(raw, handler, inbox)
        except Exception:
            log.exception("could not settle a message; it goes back to the queue")
            with contextlib.suppress(Exception):
                await raw.nack(requeue=True)
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _dispatch(
        self, raw: AbstractIncomingMessage, handler: Handler, inbox: Inbox | None
    ) -> None:
        try:
            message = Envelope.model_validate_json(raw.body)
            spec_for(message.type)
        except (ValidationError, KeyError) as exc:
            await self._dead_letter(raw, reason=f"invalid message: {exc}")
            return
        bind_contextvars(correlation_id=message.correlation_id, message_id=message.id)
        if inbox is not None and await inbox.seen(message.id):
            MESSAGES_HANDLED.labels(type=message.type, result="duplicate").inc()
            await raw.ack()
            return
        attempts = _attempts(raw)
        try:
            await handler(message)
        except PermanentMessageError as exc:
            await self._dead_letter(raw, reason=f"rejected: {exc}")
            MESSAGES_HANDLED.labels(type=message.type, result="dead_lettered").inc()
            return
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if attempts >= self._max_retries:
                log.error("message failed after retries", type=message.type, reason=reason)
                await self._dead_letter(raw, reason=f"failed {attempts + 1} times: {reason}")
                MESSAGES_HANDLED.labels(type=message.type, result="dead_lettered").inc()
            else:
                log.warning("message failed, will retry", type=message.type, reason=reason)
                await self._requeue_later(raw, attempts=attempts + 1, reason=reason)
                MESSAGES_HANDLED.labels(type=message.type, result="retried").inc()
            return
        if inbox is not None:
            await inbox.record(message.id)
        MESSAGES_HANDLED.labels(type=message.type, result="ok").inc()
        await raw.ack()

    async def _requeue_later(
        self, raw: AbstractIncomingMessage, *, attempts: int, reason: str
    ) -> None:
        await self._move(
            raw,
            queue=self.topology.retry_queue(self.service),
            headers={"x-attempts": attempts, "x-last-error": reason[:1000]},
        )

    async def _dead_letter(self, raw: AbstractIncomingMessage, *, reason: str) -> None:
        await self._move(
            raw,
            queue=self.topology.dead_letter_queue(self.service),
            headers={"x-failure-reason": reason[:2000]},
        )

    async def _move(
        self, raw: AbstractIncomingMessage, *, queue: str, headers: dict[str, Any]
    ) -> None:
        """Put a copy (with extra headers) on one of this service's own queues, then ack."""
        await self._publish_raw(
            exchange_name="",
            routing_key=queue,
            body=raw.body,
            message_id=raw.message_id or "",
            message_type=raw.type or "",
            correlation_id=raw.correlation_id,
            headers={**(raw.headers or {}), **headers},
        )
        await raw.ack()

    async def stop_consuming(self) -> None:
        """Stop taking messages and let in-flight ones finish (bounded by the grace period)."""
        self._closing = True
        consumers, self._consumers = self._consumers, []
        for queue, tag in consumers:
            with contextlib.suppress(Exception):
                await queue.cancel(tag)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=self._grace)
        except TimeoutError:
            log.warning("shutdown grace elapsed; unfinished messages return to the queue")

    async def close(self) -> None:
        """Stop consuming (gracefully), then close the connection; unacked messages return."""
        await self.stop_consuming()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection = None
        self._publish_channel = None


async def delete_namespace(url: str, namespace: str) -> None:
    """Remove a namespace's exchange and queues (tests clean up after themselves with this)."""
    topology = Topology(namespace)
    connection = await aio_pika.connect(url)
    try:
        for name in topology.all_queues():
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(name)
        channel = await connection.channel()
        with contextlib.suppress(Exception):
            await channel.exchange_delete(topology.exchange)
    finally:
        await connection.close()


__all__ = [
    "REGISTRY",
    "Bus",
    "Handler",
    "Inbox",
    "Topology",
    "Unroutable",
    "delete_namespace",
    "dispatcher",
]


def _attempts(raw: AbstractIncomingMessage) -> int:
    value = (raw.headers or {}).get("x-attempts", 0)
    return value if isinstance(value, int) else 0


def dispatcher(handlers: dict[str, Handler]) -> Handler:
    """One handler for a service's queue: by message type; an unknown type is dead-lettered."""

    async def dispatch(message: Envelope) -> None:
        handler = handlers.get(message.type)
        if handler is None:
            raise PermanentMessageError(f"{message.type} has no handler in this service")
        await handler(message)

    return dispatch
