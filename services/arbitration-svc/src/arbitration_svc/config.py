"""arbitration-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings
from pydantic import Field


class Settings(ServiceSettings):
    service_name: str = "arbitration-svc"
    http_port: int = 8005
    backlog_refresh_s: float = Field(default=15.0, gt=0)
    """How often /metrics' open-cases-by-age gauges are recounted from the store."""
