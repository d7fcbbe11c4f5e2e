"""What every service's HTTP API has: health, readiness, metrics, error bodies, correlation ids."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aftersales_shared.errors import AppError
from aftersales_shared.logs import bind_contextvars, clear_contextvars
from aftersales_shared.metrics import HTTP_REQUESTS

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "x-correlation-id"


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    """The one error shape of every service: {"error": {"code", "message", ...}}."""
    return {"error": {"code": code, "message": message, **details}}


class CorrelationMiddleware:
    """Binds the caller's (or a new) correlation id to the logs and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(CORRELATION_HEADER.encode(), b"").decode("latin-1")
        correlation_id = incoming[:200] if incoming else uuid.uuid4().hex
        clear_contextvars()
        bind_contextvars(correlation_id=correlation_id)
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        started = time.perf_counter()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((CORRELATION_HEADER.encode(), correlation_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], path, str(status)).observe(
                time.perf_counter() - started
            )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors to the one error shape."""

    async def app_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return JSONResponse(error_body(exc.code, exc.message, **exc.details), exc.status)

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "msg": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        message = "; ".join(f"{'.'.join(f['loc'])}: {f['msg']}" for f in fields)
        return JSONResponse(error_body("invalid", message, fields=fields), 422)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


def allowed_methods(request: Request) -> str:
    """Every method of the request's path, for a 405's `Allow` (Starlette names one route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def ops_router(*, ready: Callable[[], Any]) -> APIRouter:
    """/healthz, /readyz and /metrics: for probes, so they take no token."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive (checks nothing else)")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Its database answers, its broker connection and consumers are up",
        responses={503: {"description": "Not ready; the body says which check failed"}},
    )
    async def readyz() -> JSONResponse:
        checks: dict[str, bool] = await ready()
        ok = all(checks.values())
        return JSONResponse({"ready": ok, "checks": checks}, 200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
