"""The consumer's wrappers around a handler: decoding, logging context, metrics, inbox, retries.

A handler raises to fail; each wrapper turns the result into an `Outcome` or passes one on, so
every transport (RabbitMQ or in memory) settles deliveries the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from pydantic import ValidationError

from aftersales_shared.contracts import Envelope, spec_for
from aftersales_shared.errors import PermanentMessageError
from aftersales_shared.logs import bind_contextvars
from aftersales_shared.messaging.delivery import (
    Delivery,
    Outcome,
    Received,
    Typed,
    acked,
    dead_lettered,
    retry_later,
)
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_shared.ports import Inbox

log = structlog.get_logger(__name__)

Handle = Callable[[Received], Awaitable[None]]
"""A handler of validated messages; it raises to fail."""
Step = Callable[[Received], Awaitable[Outcome]]
Consume = Callable[[Delivery], Awaitable[Outcome]]


def decode(delivery: Delivery) -> Received | Outcome:
    """The envelope validated and its type registered, or a dead-letter outcome."""
    try:
        message = Envelope.model_validate_json(delivery.body)
        spec_for(message.type)
    except (ValidationError, KeyError) as exc:
        return _invalid(delivery, exc)
    return Received(message, delivery.attempts)


def decode_typed(delivery: Delivery) -> Typed | Outcome:
    """As `decode`, and the payload validated with the registry's model too."""
    decoded = decode(delivery)
    if isinstance(decoded, Outcome):
        return decoded
    try:
        return Typed(decoded.payload(), decoded.meta)
    except ValidationError as exc:
        return _invalid(delivery, exc)


def _invalid(delivery: Delivery, exc: Exception) -> Outcome:
    log.error("invalid message dead-lettered", message_id=delivery.message_id)
    return dead_lettered(f"invalid message: {exc}", result="invalid")


def retrying(handle: Handle, *, max_retries: int) -> Step:
    """Retry a failure `max_retries` times, then dead-letter; a permanent error at once.

    A ValidationError is permanent: the same message never validates on a later try (a typed
    handler's payload is validated this way, before the handler runs)."""

    async def step(received: Received) -> Outcome:
        attempts, message_type = received.attempts, received.envelope.type
        try:
            await handle(received)
        except (PermanentMessageError, ValidationError) as exc:
            return dead_lettered(f"rejected: {exc}")
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if attempts >= max_retries:
                log.error("message failed after retries", type=message_type, reason=reason)
                return dead_lettered(f"failed {attempts + 1} times: {reason}")
            log.warning("message failed, will retry", type=message_type, reason=reason)
            return retry_later(attempts=attempts + 1, reason=reason)
        return acked()

    return step


def deduplicating(inner: Step, inbox: Inbox) -> Step:
    """Acknowledge a message the inbox has seen; record one once it is handled."""

    async def step(received: Received) -> Outcome:
        if await inbox.seen(received.envelope.id):
            return acked("duplicate")
        outcome = await inner(received)
        if outcome.action == "ack":
            await inbox.record(received.envelope.id)
        return outcome

    return step


def counting(inner: Step) -> Step:
    """Count each message by type and result (`bus_messages_handled_total`)."""

    async def step(received: Received) -> Outcome:
        outcome = await inner(received)
        MESSAGES_HANDLED.labels(type=received.envelope.type, result=outcome.result).inc()
        return outcome

    return step


def with_log_context(inner: Step) -> Step:
    """Log lines during the handler name the message and its conversation."""

    async def step(received: Received) -> Outcome:
        e = received.envelope
        bind_contextvars(correlation_id=e.correlation_id, message_id=e.id)
        return await inner(received)

    return step


def pipeline(handle: Handle, *, inbox: Inbox | None, max_retries: int) -> Consume:
    """decode → log context → metrics → inbox → retries → handler (a typed one validates)."""
    step = retrying(handle, max_retries=max_retries)
    if inbox is not None:
        step = deduplicating(step, inbox)
    step = with_log_context(counting(step))

    async def consume(delivery: Delivery) -> Outcome:
        decoded = decode(delivery)
        return decoded if isinstance(decoded, Outcome) else await step(decoded)

    return consume


Batch = Callable[[list[Typed]], Awaitable[None]]


def pausing_on_failure(handle: Batch, *, pause_s: float, what: str) -> Batch:
    """A batch handler that, when `handle` raises, logs it and waits `pause_s` before re-raising
    (the batch then goes back to the queue whole, and a failing store is not hammered)."""

    async def step(messages: list[Typed]) -> None:
        try:
            await handle(messages)
        except Exception as exc:
            log.warning(f"{what}; back to the queue", error=str(exc), size=len(messages))
            await asyncio.sleep(pause_s)
            raise

    return step
