"""The process `order-svc` (or `python -m order_svc`): the API and the consumers."""

from __future__ import annotations

import asyncio

import uvloop
from aftersales_shared.service import create_app, serve
from fastapi import FastAPI

from order_svc.bootstrap import definition
from order_svc.config import Settings


def app() -> FastAPI:
    """The ASGI app with settings read from the environment (uvicorn --factory uses this)."""
    return create_app(definition(), Settings())


def main() -> None:
    """Serve on uvloop (uvicorn picks httptools by itself when it is installed)."""
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    settings = Settings()
    serve(create_app(definition(), settings), settings)
