"""Confirmed, mandatory publishes, retried through reconnects within the publish timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, cast

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel

from aftersales_shared.contracts import Envelope, spec_for
from aftersales_shared.contracts.stored import stored_form
from aftersales_shared.messaging.connection import TRANSIENT
from aftersales_shared.metrics import MESSAGES_PUBLISHED

PERSISTENT = int(aio_pika.DeliveryMode.PERSISTENT)


class Unroutable(Exception):
    """The broker could not route a mandatory message: no queue is bound for its routing key."""


class AmqpPublisher:
    """Publishes on one confirming channel; each publish waits for the broker's confirm."""

    def __init__(self, *, exchange: str, timeout_s: float) -> None:
        self.exchange = exchange
        self.channel: AbstractChannel | None = None
        self._timeout = timeout_s

    async def publish(self, message: Envelope) -> None:
        """Publish and wait for the broker's confirm; Unroutable when no queue takes it."""
        await self.publish_stored(stored_form(message))

    async def publish_stored(self, stored: Mapping[str, Any]) -> None:
        """Publish a message in its stored form: id, type, correlation_id and its JSON body."""
        message_type = str(stored["type"])
        spec = spec_for(message_type)
        await self.publish_raw(
            exchange_name=self.exchange,
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
        return _errors(
            await asyncio.gather(
                *(self.publish_stored(message) for message in messages), return_exceptions=True
            )
        )

    async def publish_many(self, messages: Iterable[Envelope]) -> list[BaseException | None]:
        """Publish concurrently (confirms pipelined); per message None, or the error."""
        return _errors(
            await asyncio.gather(
                *(self.publish(message) for message in messages), return_exceptions=True
            )
        )

    async def publish_raw(
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
        """Publish bytes as they are; retried through reconnects until the publish timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
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
            channel = self.channel
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
            except TRANSIENT as exc:
                if loop.time() + 0.2 >= deadline:
                    raise TimeoutError(f"publish of {message_type} failed: {exc!r}") from exc
                await asyncio.sleep(0.2)


def _errors(results: list[Any]) -> list[BaseException | None]:
    return [r if isinstance(r, BaseException) else None for r in results]
