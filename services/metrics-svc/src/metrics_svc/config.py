"""metrics-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "metrics-svc"
    http_port: int = 8004
