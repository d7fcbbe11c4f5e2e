"""A stand-in SMS gateway on a real local port for tests, benchmarks and trying the http adapter."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import uvicorn
from aftersales_testkit import free_port
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class FakeGateway:
    """Answers from `plan` (status codes, or "hang" to never answer in time), then `default`.

    A successful key is remembered: a repeat of it is answered 200 again and not delivered twice.
    """

    api_key: str = "test-gateway-key"
    plan: list[int | str] = field(default_factory=list)
    default: int = 200
    delay_s: float = 0.0
    hang_s: float = 30.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""
    path: str = "/sms"

    async def _send(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": "bad api key"}, status_code=401)
        body = await request.json()
        key = request.headers.get("idempotency-key", "")
        self.requests.append({"key": key, "body": body})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if key in self.delivered:
            return JSONResponse({"id": self.delivered[key]["id"], "duplicate": True})
        step = self.plan.pop(0) if self.plan else self.default
        if step == "hang":
            await asyncio.sleep(self.hang_s)
            step = 200
        assert isinstance(step, int)
        if step >= 300:
            return JSONResponse({"error": f"planned {step}"}, status_code=step)
        self.delivered[key] = {"id": f"gw-{len(self.delivered) + 1}", **body}
        return JSONResponse({"id": self.delivered[key]["id"]})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/sms", self._send, methods=["POST"])])


class Served(Protocol):
    url: str
    path: str

    def app(self) -> Starlette: ...


S = TypeVar("S", bound=Served)


@contextlib.asynccontextmanager
async def running(gateway: S, *, port: int | None = None) -> AsyncIterator[S]:
    """Serve `gateway` (or another stand-in) on 127.0.0.1 in this event loop until the block
    ends; its `url` is then the address of its `path`."""
    port = port or free_port()
    config = uvicorn.Config(
        gateway.app(), host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    gateway.url = f"http://127.0.0.1:{port}{gateway.path}"
    try:
        yield gateway
    finally:
        server.should_exit = True
        await task
