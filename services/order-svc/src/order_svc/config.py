"""order-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings
from pydantic import Field


class Settings(ServiceSettings):
    service_name: str = "order-svc"
    http_port: int = 8001
    order_cache_size: int = Field(default=2_000, ge=0)
    """Orders whose last version is kept in memory so a command skips its read (0: off)."""
