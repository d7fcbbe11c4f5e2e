"""`GET /workbench`: the seller workbench page, built from `web/` by `make run` / `make test`.

The page is a client of the public API; this router only serves its files: `index.html` at
`/workbench`, the hashed bundles under `/workbench/assets/` (the build writes each one also
brotli- and gzip-compressed: the one the browser accepts is sent as it stands). When the page
was not built it answers 503 with a page that says how to build it.
"""

from __future__ import annotations

import mimetypes
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


ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
"""The precompressed copies the build writes beside an asset, the smaller first."""


def accepted_codings(accept_encoding: str) -> set[str]:
    """The content codings an `Accept-Encoding` header accepts (one with q=0 is refused)."""
    codings = set()
    for item in accept_encoding.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = next((p.removeprefix("q=") for p in params if p.startswith("q=")), "1")
        if coding and q.strip("0.") != "":
            codings.add(coding)
    return codings


def encoded(path: Path, accept_encoding: str) -> tuple[Path, str | None]:
    """The asset's precompressed copy the browser accepts, else the asset itself."""
    codings = accepted_codings(accept_encoding)
    for coding, suffix in ENCODINGS:
        copy = path.with_name(path.name + suffix)
        if (coding in codings or "*" in codings) and copy.is_file():
            return copy, coding
    return path, None


@router.get("/workbench/assets/{name}")
async def asset(name: str, request: Request) -> Response:
    """A hashed bundle file: cached for a year, as its name changes with its content."""
    folder = (_root(request) / "assets").resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        return Response(status_code=404)
    sent, coding = encoded(path, request.headers.get("accept-encoding", ""))
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if coding:
        headers["Content-Encoding"] = coding
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(sent, headers=headers, media_type=media_type)
