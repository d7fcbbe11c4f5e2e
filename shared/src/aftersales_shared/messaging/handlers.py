"""Handlers by message type: typed ones (payload model + meta) and the older envelope ones."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from aftersales_shared.contracts import Envelope, Frozen, spec_for
from aftersales_shared.errors import PermanentMessageError
from aftersales_shared.messaging.delivery import MessageMeta, Received
from aftersales_shared.messaging.middleware import Handle

P = TypeVar("P", bound=Frozen)
Handler = Callable[[Envelope], Awaitable[None]]
"""An envelope handler: it validates the payload itself (the path services migrate from)."""
TypedHandler = Callable[[P, MessageMeta], Awaitable[None]]
"""`async def on_fired(p: TimerFired, meta: MessageMeta) -> None`: the payload validated."""


class Router:
    """One handler per message type; a type without one is dead-lettered."""

    def __init__(self) -> None:
        self._routes: dict[str, Handle] = {}

    def add(self, message_type: str, handler: TypedHandler[P]) -> None:
        """Handle `message_type` with a typed handler; its payload annotation must match."""
        _check_payload_type(message_type, handler)

        async def call(received: Received) -> None:
            await handler(cast(P, received.payload()), received.meta)

        self._route(message_type, call)

    def on(self, message_type: str) -> Callable[[TypedHandler[P]], TypedHandler[P]]:
        """`add` as a decorator."""

        def register(handler: TypedHandler[P]) -> TypedHandler[P]:
            self.add(message_type, handler)
            return handler

        return register

    def add_envelope(self, message_type: str, handler: Handler) -> None:
        """Handle `message_type` with an envelope handler (the older form)."""
        spec_for(message_type)

        async def call(received: Received) -> None:
            await handler(received.envelope)

        self._route(message_type, call)

    def _route(self, message_type: str, handle: Handle) -> None:
        if message_type in self._routes:
            raise ValueError(f"{message_type} already has a handler")
        self._routes[message_type] = handle

    async def __call__(self, received: Received) -> None:
        handle = self._routes.get(received.envelope.type)
        if handle is None:
            raise PermanentMessageError(f"{received.envelope.type} has no handler in this service")
        await handle(received)


def as_handle(handler: Handler | Router) -> Handle:
    """What the consumer calls: a router as it is, an envelope handler given the envelope."""
    if isinstance(handler, Router):
        return handler
    envelope_handler = handler

    async def call(received: Received) -> None:
        await envelope_handler(received.envelope)

    return call


def dispatcher(handlers: dict[str, Handler]) -> Handler:
    """One handler for a service's queue: by message type; an unknown type is dead-lettered."""

    async def dispatch(message: Envelope) -> None:
        handler = handlers.get(message.type)
        if handler is None:
            raise PermanentMessageError(f"{message.type} has no handler in this service")
        await handler(message)

    return dispatch


def _check_payload_type(message_type: str, handler: Callable[..., Any]) -> None:
    """A TypeError at registration, not a dead letter at run time, when the model is wrong."""
    expected = spec_for(message_type).payload
    try:
        hints = typing.get_type_hints(handler)
        first = next(iter(inspect.signature(handler).parameters))
    except (NameError, TypeError, ValueError, StopIteration):
        return
    annotated = hints.get(first)
    if isinstance(annotated, type) and not issubclass(expected, annotated):
        raise TypeError(f"{message_type} carries {expected.__name__}, not {annotated.__name__}")
