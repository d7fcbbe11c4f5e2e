"""The process `metrics-svc` (or `python -m metrics_svc`): the API and the consumers."""

from __future__ import annotations

import sys

from aftersales_shared.service import create_app, serve
from fastapi import FastAPI

from metrics_svc.bootstrap import definition
from metrics_svc.config import Settings
from metrics_svc.entrypoints.cli import run


def app() -> FastAPI:
    """The ASGI app with settings read from the environment (uvicorn --factory uses this)."""
    return create_app(definition(), Settings())


def main() -> None:
    """Serve; with arguments (`reconcile 2026-12 [--seller-id S]`), run that command instead."""
    if len(sys.argv) > 1:
        sys.exit(run(sys.argv[1:]))
    settings = Settings()
    serve(create_app(definition(), settings), settings)
