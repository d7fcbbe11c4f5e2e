"""Every error an API answers, in one shape with the correlation id: 4xx, 503 and 500 alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aftersales_shared.error_status import http_status
from aftersales_shared.errors import AppError

log = structlog.get_logger(__name__)

STORE_RETRY_AFTER_S = 2
"""What a 503 for an unreachable store tells the client to wait before trying again."""


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    """The one error shape of every service: {"error": {"code", "message", ...}}."""
    return {"error": {"code": code, "message": message, **details}}


def correlation_of(scope: Scope) -> str | None:
    """The correlation id CorrelationMiddleware bound to this request, if any."""
    value: str | None = (scope.get("state") or {}).get("correlation_id")
    return value


def error_response(
    scope: Scope,
    status: int,
    code: str,
    message: str,
    *,
    details: dict[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error in the one shape, carrying the request's correlation id."""
    cid = correlation_of(scope)
    extra = {"correlation_id": cid} if cid else {}
    return JSONResponse(error_body(code, message, **(details or {}), **extra), status, headers)


def store_unavailable(scope: Scope) -> JSONResponse:
    """503 with Retry-After: the database did not answer (the request may be retried)."""
    return error_response(
        scope,
        503,
        "store_unavailable",
        "the database is not reachable right now; try again shortly",
        headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
    )


class ErrorBoundary:
    """Turns an exception no handler took into a JSON 500 (or 503) instead of re-raising it.

    Starlette's ServerErrorMiddleware answers and then re-raises, and uvicorn then closes a
    keep-alive connection without `Connection: close`; the client's next request on it fails.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            if isinstance(exc, ConnectionFailure):
                log.warning("store unavailable", error=str(exc))
                response = store_unavailable(scope)
            else:
                log.exception("unhandled error", path=scope.get("path"))
                response = error_response(scope, 500, "internal_error", "internal server error")
            await response(scope, receive, send)


def _fields(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors()
    ]


def allowed_methods(request: Request) -> str:
    """Every method of the request's path, for a 405's `Allow` (Starlette names one route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Map domain, validation, HTTP and store errors to the one error shape."""

    async def app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        status = http_status(exc)
        return error_response(request.scope, status, exc.code, exc.message, details=exc.details)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = _fields(exc)
        message = "; ".join(f"{'.'.join(f['loc'])}: {f['msg']}" for f in fields)
        return error_response(request.scope, 422, "invalid", message, details={"fields": fields})

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return error_response(
            request.scope, exc.status_code, code, str(exc.detail), headers=headers
        )

    async def store_error(request: Request, _: Exception) -> JSONResponse:
        return store_unavailable(request.scope)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ConnectionFailure, store_error)
