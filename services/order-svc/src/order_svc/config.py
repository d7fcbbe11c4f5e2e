"""order-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from pathlib import Path

from aftersales_shared.settings import ServiceSettings
from pydantic import Field

BUILT_PAGE = Path(__file__).resolve().parents[2] / "web" / "dist"
"""Where `npm run build` in services/order-svc/web puts the workbench (a source checkout)."""


class Settings(ServiceSettings):
    service_name: str = "order-svc"
    http_port: int = 8001
    order_cache_size: int = Field(default=2_000, ge=0)
    """Orders whose last version is kept in memory so a command skips its read (0: off)."""
    workbench_dir: Path | None = None
    """The built workbench page (default: services/order-svc/web/dist; the image sets it)."""
    metrics_api_url: str = ""
    """metrics-svc's API as the browser reaches it: empty for the same origin (the gateway);
    `make run` sets http://127.0.0.1:8004 (metrics-svc answers it by CORS)."""

    def workbench_path(self) -> Path:
        """The folder holding the built page's index.html and assets/."""
        return self.workbench_dir or BUILT_PAGE
