"""sms-svc's settings: the shared ones plus its own."""

from __future__ import annotations

from typing import Literal

from aftersales_shared.settings import ServiceSettings
from pydantic import Field, SecretStr, field_validator, model_validator


class Settings(ServiceSettings):
    service_name: str = "sms-svc"
    http_port: int = 8003
    bus_prefetch: int = Field(default=128, ge=1, le=1000)
    """Commands in flight: enough to keep the gateway's connections busy while others wait."""
    sms_provider: Literal["log", "http"] = "log"
    """`log` records messages as delivered (development); `http` posts them to the gateway."""
    sms_gateway_url: str = ""
    sms_gateway_api_key: SecretStr = SecretStr("")
    sms_gateway_timeout_s: float = Field(default=5.0, gt=0)
    sms_gateway_max_attempts: int = Field(default=4, ge=1, le=20)
    sms_gateway_backoff_s: float = Field(default=0.2, ge=0)
    sms_gateway_backoff_max_s: float = Field(default=3.0, ge=0)
    sms_gateway_concurrency: int = Field(default=4, ge=1, le=64)
    """Requests in flight per HTTP client: httpx's pool costs CPU per request with each connection
    (measured here: 1.5 ms a request at 8 per client, 1.2 at 4, 1.0 at 2)."""
    sms_gateway_clients: int = Field(default=8, ge=1, le=32)
    sms_rate_per_hour: int = Field(default=5, ge=1)
    sms_rate_per_day: int = Field(default=20, ge=1)
    sms_lease_s: float = Field(default=60.0, gt=0)
    """How long one delivery may take before another worker may take it over."""
    sms_sweep_interval_s: float = Field(default=5.0, gt=0)
    """How often queued messages whose delivery was interrupted are picked up again."""

    webhook_timeout_s: float = Field(default=5.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1, le=30)
    """Attempts of one round before a delivery is DEAD (a redelivery starts a new round)."""
    webhook_backoff_s: float = Field(default=2.0, gt=0)
    webhook_backoff_max_s: float = Field(default=600.0, gt=0)
    webhook_concurrency: int = Field(default=64, ge=1, le=1000)
    webhook_per_seller: int = Field(default=4, ge=1, le=64)
    """Posts in flight to one seller: a slow endpoint holds up only its own notices."""
    webhook_max_pending: int = Field(default=10_000, ge=1)
    webhook_lease_s: float = Field(default=60.0, gt=0)
    webhook_sweep_interval_s: float = Field(default=1.0, gt=0)
    webhook_allow_internal: bool | None = None
    """Allow webhook URLs on loopback, private and link-local addresses; unset: only in
    development (ENV=development), refused in production (SSRF)."""

    @property
    def webhooks_may_be_internal(self) -> bool:
        if self.webhook_allow_internal is None:
            return self.env == "development"
        return self.webhook_allow_internal

    @field_validator("webhook_allow_internal", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`WEBHOOK_ALLOW_INTERNAL=` (compose's default when unset) means unset, not false."""
        return None if value == "" else value

    @model_validator(mode="after")
    def _gateway_configured(self) -> Settings:
        if self.sms_provider == "http" and not self.sms_gateway_url:
            raise ValueError("SMS_PROVIDER=http needs SMS_GATEWAY_URL")
        if self.sms_provider == "http" and not self.sms_gateway_api_key.get_secret_value():
            raise ValueError("SMS_PROVIDER=http needs SMS_GATEWAY_API_KEY")
        worst = self.sms_gateway_max_attempts * (
            self.sms_gateway_timeout_s + self.sms_gateway_backoff_max_s
        )
        if self.sms_provider == "http" and self.sms_lease_s <= worst:
            raise ValueError(f"SMS_LEASE_S must exceed one delivery's worst case ({worst:.0f}s)")
        if self.webhook_lease_s <= self.webhook_timeout_s:
            raise ValueError("WEBHOOK_LEASE_S must exceed WEBHOOK_TIMEOUT_S")
        return self
