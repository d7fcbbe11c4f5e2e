"""What every service's HTTP API has: health, readiness, metrics, error bodies, correlation ids."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aftersales_shared.body_limit import BodyLimitMiddleware
from aftersales_shared.http_errors import ErrorBoundary, error_body, install_error_handlers
from aftersales_shared.logs import bind_contextvars, clear_contextvars
from aftersales_shared.metrics import HTTP_REQUESTS

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "x-correlation-id"
__all__ = [
    "CorrelationMiddleware",
    "ErrorBoundary",
    "error_body",
    "install_error_handlers",
    "install_http_layer",
    "ops_router",
]


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


def install_http_layer(app: FastAPI, *, cors_origins: Sequence[str] = ()) -> None:
    """Correlation ids, the body-size ceiling and the error shape, on every answer (500 too);
    with `cors_origins`, browsers on those origins may call the API (CORS_ORIGINS)."""
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(ErrorBoundary)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", CORRELATION_HEADER],
            expose_headers=[CORRELATION_HEADER],
        )
    app.add_middleware(CorrelationMiddleware)  # outermost: every answer carries the id
    install_error_handlers(app)


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
