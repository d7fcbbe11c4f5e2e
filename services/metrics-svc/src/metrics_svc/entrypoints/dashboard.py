"""GET /dashboard: the QC dashboard, one self-contained page that reads the /v1 API.

The page holds no data and no secret: the browser calls the API with a qc_analyst token that
is typed into the page or passed in the URL fragment (`/dashboard#token=...`, never sent to the
server). That is why this one route does not authenticate.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["dashboard"])


@cache
def page() -> str:
    """The dashboard's HTML (inline CSS, JS and SVG; no external resource)."""
    return resources.files("metrics_svc").joinpath("static/dashboard.html").read_text("utf-8")


@router.get("/dashboard", response_class=HTMLResponse, summary="The QC dashboard page")
async def dashboard() -> HTMLResponse:
    return HTMLResponse(
        page(),
        headers={
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                "connect-src 'self'; img-src data:"
            ),
            "Cache-Control": "no-store",
        },
    )
