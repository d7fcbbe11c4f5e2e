"""The process `metrics-svc` (or `python -m metrics_svc`): the API and the consumers."""

from __future__ import annotations

from aftersales_shared.service import create_app, serve
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from metrics_svc.bootstrap import definition
from metrics_svc.config import Settings


def build(settings: Settings) -> FastAPI:
    """The app; with CORS_ORIGINS set, those origins may read the API from a browser."""
    built = create_app(definition(settings), settings)
    if settings.cors_origins:
        built.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET"],
            allow_headers=["Authorization"],
        )
    return built


def app() -> FastAPI:
    """The ASGI app with settings read from the environment (uvicorn --factory uses this)."""
    return build(Settings())


def main() -> None:
    settings = Settings()
    serve(build(settings), settings)
