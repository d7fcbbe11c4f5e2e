"""A stand-in for sellers' webhook endpoints on a real local port: for tests and benchmarks.

`POST {url}/{seller_id}` answers from that seller's plan (status codes, or "hang" to answer
too late), then `default`; every request is kept with its headers, body and arrival time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    seller_id: str
    headers: dict[str, str]
    body: bytes
    at: float
    """time.time() when it arrived."""


@dataclass
class FakeEndpoint:
    plans: dict[str, list[int | str]] = field(default_factory=dict)
    default: int = 200
    hang_s: float = 30.0
    keep: bool = True
    """Keep every request (tests); a benchmark keeps only `arrivals`."""
    received: list[Received] = field(default_factory=list)
    arrivals: dict[str, float] = field(default_factory=dict)
    """The first arrival of each notice id (`X-Notice-Id`)."""
    url: str = ""
    path: str = "/hooks"

    def of(self, seller_id: str) -> list[Received]:
        return [r for r in self.received if r.seller_id == seller_id]

    async def _hook(self, request: Request) -> Response:
        seller_id = request.path_params["seller_id"]
        body = await request.body()
        now = time.time()
        self.arrivals.setdefault(request.headers.get("x-notice-id", ""), now)
        if self.keep:
            self.received.append(Received(seller_id, dict(request.headers), body, now))
        plan = self.plans.get(seller_id)
        step = plan.pop(0) if plan else self.default
        if step == "hang":
            await asyncio.sleep(self.hang_s)
            step = 200
        return Response(status_code=int(step))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks/{seller_id}", self._hook, methods=["POST"])])
