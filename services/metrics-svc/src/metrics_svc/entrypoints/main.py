"""The process `metrics-svc` (or `python -m metrics_svc`): the API and the consumers."""

from __future__ import annotations

from aftersales_shared.service import create_app, serve
from fastapi import FastAPI

from metrics_svc.bootstrap import definition
from metrics_svc.config import Settings


def app() -> FastAPI:
    """The ASGI app with settings read from the environment (uvicorn --factory uses this)."""
    return create_app(definition(), Settings())


def main() -> None:
    settings = Settings()
    serve(create_app(definition(), settings), settings)
