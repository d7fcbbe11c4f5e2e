"""order-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from aftersales_shared.settings import ServiceSettings
from pydantic import Field

from order_svc.domain.warnings import WarningOffsets

BUILT_PAGE = Path(__file__).resolve().parents[2] / "web" / "dist"
"""Where `npm run build` in services/order-svc/web puts the workbench (a source checkout)."""


class Settings(ServiceSettings):
    service_name: str = "order-svc"
    http_port: int = 8001
    order_cache_size: int = Field(default=2_000, ge=0)
    """Orders whose last version is kept in memory so a command skips its read (0: off)."""
    audit_warning_before: timedelta = Field(default=timedelta(hours=2), gt=timedelta(0))
    """`AUDIT_DUE_SOON` falls due this long before the 12-hour audit count."""
    pre_compensation_warning_before: timedelta = Field(default=timedelta(days=1), gt=timedelta(0))
    """`PRE_COMPENSATION_DUE_SOON` falls due this long before the 7-day pre-compensation."""
    process_warning_before: timedelta = Field(default=timedelta(hours=6), gt=timedelta(0))
    """`PROCESS_DUE_SOON` falls due this long before the 48-hour processing fine."""
    auto_refund_warning_before: timedelta = Field(default=timedelta(days=1), gt=timedelta(0))
    """`AUTO_REFUND_DUE_SOON` falls due this long before the 15-day auto-refund."""

    def warning_offsets(self) -> WarningOffsets:
        """The offsets as the domain takes them (`domain/warnings.py`)."""
        return WarningOffsets(
            audit=self.audit_warning_before,
            pre_compensation=self.pre_compensation_warning_before,
            process=self.process_warning_before,
            auto_refund=self.auto_refund_warning_before,
        )

    order_history_tail: int = Field(default=20, ge=1, le=200)
    """History entries and messages an order's view shows; its document keeps up to twice as
    many, the older ones are stored apart (one document each) and paged by `/history`."""
    customer_messages_per_day: int = Field(default=50, ge=1)
    """A customer's messages per order per day (Asia/Shanghai, or the virtual clock's); beyond:
    429. The seller's replies are not counted."""

    workbench_dir: Path | None = None
    """The built workbench page (default: services/order-svc/web/dist; the image sets it)."""
    metrics_api_url: str = ""
    """metrics-svc's API as the browser reaches it: empty for the same origin (the gateway);
    `make run` sets http://127.0.0.1:8004 (metrics-svc answers it by CORS)."""

    def workbench_path(self) -> Path:
        """The folder holding the built page's index.html and assets/."""
        return self.workbench_dir or BUILT_PAGE
