"""`GET /workbench`: the seller workbench page, built from `web/` by `make run` / `make test`.

The page is a client of the public API; this router only serves its files: `index.html` at
`/workbench`, the hashed bundles under `/workbench/assets/`. When the page was not built it
answers 503 with a page that says how to build it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from order_svc.config import Settings

router = APIRouter(tags=["workbench"], include_in_schema=False)

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>卖家工作台</title>
<body style="font-family:sans-serif;margin:3em"><h1>卖家工作台尚未构建 (workbench not built)</h1>
<p>Run <code>make run</code> or <code>cd services/order-svc/web &amp;&amp; npm ci &amp;&amp;
npm run build</code>, then reload.</p></body></html>"""


def csp(settings: Settings) -> str:
    """Everything from this origin (antd's CSS-in-JS needs inline styles), and metrics-svc's
    API where the settings put it on another origin (`make run`)."""
    origin = urlsplit(settings.metrics_api_url)
    elsewhere = f" {origin.scheme}://{origin.netloc}" if origin.scheme and origin.netloc else ""
    return (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        f"connect-src 'self'{elsewhere}; frame-ancestors 'none'"
    )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


def _root(request: Request) -> Path:
    return _settings(request).workbench_path()


@router.get("/workbench")
async def workbench(request: Request) -> Response:
    """The page: index.html of the built bundle (503 with a message when not built)."""
    path = _root(request) / "index.html"
    if not path.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503, headers={"Retry-After": "30"})
    headers = {"Cache-Control": "no-cache", "Content-Security-Policy": csp(_settings(request))}
    return FileResponse(path, headers=headers)


@router.get("/workbench/config.json")
async def page_config(request: Request) -> dict[str, object]:
    """Where the page finds metrics-svc's API, and whether the development sign-in exists."""
    settings = _settings(request)
    return {"metrics_url": settings.metrics_api_url, "development": settings.env == "development"}


@router.get("/workbench/assets/{name}")
async def asset(name: str, request: Request) -> Response:
    """A hashed bundle file: cached for a year, as its name changes with its content."""
    folder = (_root(request) / "assets").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})
