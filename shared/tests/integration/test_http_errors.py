"""A real uvicorn server: 500s and store outages answer in the error shape, keep-alive intact."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from aftersales_shared.persistence import connect_mongo
from aftersales_shared.web import install_http_layer
from aftersales_testkit import eventually, free_port
from fastapi import FastAPI, Request


def make_app(ports: list[int]) -> FastAPI:
    app = FastAPI()
    install_http_layer(app)
    store = connect_mongo(f"mongodb://127.0.0.1:{free_port()}")  # nobody listens there

    @app.middleware("http")
    async def remember_client(request: Request, call_next):  # type: ignore[no-untyped-def]
        ports.append(request.client.port if request.client else 0)
        return await call_next(request)

    @app.get("/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("a bug")

    @app.get("/ok")
    async def ok() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/stored")
    async def stored() -> dict[str, str]:
        await store["db"]["things"].find_one({"_id": {"$eq": "x"}})
        return {"found": "?"}

    return app


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[int]]]:
    ports: list[int] = []
    port = free_port()
    config = uvicorn.Config(make_app(ports), host="127.0.0.1", port=port, log_config=None)
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    await eventually(lambda: asyncio.sleep(0, srv.started), timeout=30, what="uvicorn started")
    yield f"http://127.0.0.1:{port}", ports
    srv.should_exit = True
    await task


async def test_a_500_is_json_with_the_correlation_id_and_keeps_the_connection(
    server: tuple[str, list[int]],
) -> None:
    url, ports = server
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        failed = await client.get("/boom", headers={"X-Correlation-Id": "corr-500"})
        assert failed.status_code == 500
        assert failed.json() == {
            "error": {
                "code": "internal_error",
                "message": "internal server error",
                "correlation_id": "corr-500",
            }
        }
        assert failed.headers["x-correlation-id"] == "corr-500"
        second = await client.get("/ok")
    assert second.status_code == 200
    assert len(ports) == 2
    assert ports[0] == ports[1], f"a new connection was needed: {ports}"


async def test_an_unreachable_store_answers_503_with_retry_after_fast(
    server: tuple[str, list[int]],
) -> None:
    url, _ = server
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        started = time.monotonic()
        answer = await client.get("/stored")
        elapsed = time.monotonic() - started
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "2"
    error = answer.json()["error"]
    assert error["code"] == "store_unavailable"
    assert error["correlation_id"] == answer.headers["x-correlation-id"]
    assert elapsed < 7, f"the request hung {elapsed:.1f} s before failing"
