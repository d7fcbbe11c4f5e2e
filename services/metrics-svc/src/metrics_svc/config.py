"""metrics-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings
from pydantic import Field


class Settings(ServiceSettings):
    service_name: str = "metrics-svc"
    http_port: int = 8004
    ingest_max_batch: int = Field(default=1000, ge=1, le=10_000)
    """Events written (and acknowledged) together; the prefetch is three times this."""
    ingest_max_delay_s: float = Field(default=0.05, gt=0)
    counters_checkpoint_s: float = Field(default=10.0, gt=0)
    """How often the changed pages of live counters are saved; bounds the replay after a crash."""
    close_poll_s: float = Field(default=1.0, gt=0)
    """How often the clock is checked for a week that has ended."""
    active_lease_s: float = Field(default=5.0, ge=1.0)
    """One process is active (ingests, checkpoints, closes weeks); a standby takes over this long
    after the active one stops renewing (it renews five times per lease)."""
