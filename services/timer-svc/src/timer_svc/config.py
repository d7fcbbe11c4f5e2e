"""timer-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from aftersales_shared.settings import ServiceSettings
from pydantic import Field

from timer_svc.handlers.firing_loop import FiringSettings


class Settings(ServiceSettings):
    service_name: str = "timer-svc"
    http_port: int = 8002
    timer_fire_interval_s: float = Field(default=0.1, gt=0, le=60)
    """How often the firing loop looks for due deadlines (it also wakes when one is armed)."""
    timer_batch: int = Field(default=1000, ge=1, le=10_000)
    """Deadlines claimed per round trip."""
    timer_lease_s: float = Field(default=30.0, gt=1)
    """How long a claim holds; a replica that dies leaves its claims to others after this."""
    timer_pending_refresh_s: float = Field(default=5.0, gt=0)
    timer_advance_timeout_s: float = Field(default=120.0, gt=0)
    """How long POST /admin/clock/advance waits for its firings to be confirmed."""

    def firing(self) -> FiringSettings:
        """The firer's part of the settings."""
        return FiringSettings(
            batch=self.timer_batch,
            lease_s=self.timer_lease_s,
            interval_s=self.timer_fire_interval_s,
            pending_refresh_s=self.timer_pending_refresh_s,
        )
