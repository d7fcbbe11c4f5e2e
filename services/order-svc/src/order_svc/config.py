"""order-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings
from pydantic import Field


class Settings(ServiceSettings):
    service_name: str = "order-svc"
    http_port: int = 8001
    order_cache_size: int = Field(default=2_000, ge=0)
    """Orders whose last version is kept in memory so a command skips its read (0: off)."""
    order_history_tail: int = Field(default=20, ge=1, le=200)
    """History entries and messages an order's view shows; its document keeps up to twice as
    many, the older ones are stored apart (one document each) and paged by `/history`."""
    customer_messages_per_day: int = Field(default=50, ge=1)
    """A customer's messages per order per day (Asia/Shanghai, or the virtual clock's); beyond:
    429. The seller's replies are not counted."""
