"""The process `order-svc` (or `python -m order_svc`): the API and the consumers."""

from __future__ import annotations

import asyncio
import sys

import uvloop
from aftersales_shared.service import create_app, serve
from fastapi import FastAPI

from order_svc.adapters import migrate
from order_svc.bootstrap import definition
from order_svc.config import Settings


def app() -> FastAPI:
    """The ASGI app with settings read from the environment (uvicorn --factory uses this)."""
    return create_app(definition(), Settings())


def main() -> None:
    """Serve on uvloop (uvicorn picks httptools by itself when it is installed); with the
    argument `migrate-history` or `recount`, run that one-off command instead."""
    if sys.argv[1:] == ["migrate-history"]:
        migrate_history()
        return
    if sys.argv[1:] == ["recount"]:
        settings = Settings()
        written = asyncio.run(migrate.recount(mongo_url=settings.mongo_url, db=settings.mongo_db))
        print(f"recount: {written} counter documents written from the orders")  # noqa: T201
        return
    if sys.argv[1:]:
        sys.exit(f"usage: order-svc [migrate-history | recount]; unknown arguments {sys.argv[1:]}")
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    settings = Settings()
    serve(create_app(definition(), settings), settings)


def migrate_history() -> None:
    """`python -m order_svc migrate-history`: orders of the old shape moved to the bounded one."""
    settings = Settings()
    moved = asyncio.run(
        migrate.run(
            mongo_url=settings.mongo_url, db=settings.mongo_db, keep=settings.order_history_tail
        )
    )
    print(f"migrate-history: {moved} orders rewritten with their tails bounded")  # noqa: T201
