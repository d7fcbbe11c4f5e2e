"""A ceiling on request bodies: 413 before a handler parses what no legal request can be."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aftersales_shared.http_errors import error_response

IMAGE_BYTES = 800 * 1024
IMAGES_PER_REQUEST = 3
MAX_BODY_BYTES = IMAGES_PER_REQUEST * 4 * -(-IMAGE_BYTES // 3) + 64 * 1024
"""The largest legal request: an audit with three 800 KB images in base64, plus its text."""


class BodyTooLarge(HTTPException):
    """The streamed body went past the limit: raised to the handler reading it, answered 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, _message(max_bytes))


class BodyLimitMiddleware:
    """Refuses a body over `max_bytes` with 413: by its Content-Length, or while it streams."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            scope,
            413,
            "body_too_large",
            _message(self.max_bytes),
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _message(max_bytes: int) -> str:
    return f"the request body is over {max_bytes} bytes, larger than any legal request"
