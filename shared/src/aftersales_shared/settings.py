"""Settings shared by every service; each service subclasses `ServiceSettings` in its config.py."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-secret-change-me"


class ServiceSettings(BaseSettings):
    """Read from the environment (and a `.env` file); nothing else reads os.environ."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str = "service"
    env: Literal["development", "production"] = "development"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=0, le=65535)
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    bus_namespace: str = Field(default="aftersales", pattern=r"^[A-Za-z0-9_.-]+$")
    bus_prefetch: int = Field(default=32, ge=1, le=1000)
    bus_max_retries: int = Field(default=5, ge=0, le=100)
    bus_retry_delay_ms: int = Field(default=1000, ge=10)
    bus_publish_timeout_s: float = Field(default=10.0, gt=0)
    bus_connect_timeout_s: float = Field(default=60.0, gt=0)
    bus_shutdown_grace_s: float = Field(default=20.0, ge=0)
    mongo_url: str = "mongodb://127.0.0.1:27017"
    mongo_db_prefix: str = Field(default="aftersales", pattern=r"^[A-Za-z0-9_-]+$")
    auth_secret: SecretStr
    clock: Literal["system", "virtual"] = "system"
    log_level: str = "INFO"
    outbox_poll_s: float = Field(default=1.0, gt=0)
    cors_origins: str = ""
    """Comma-separated browser origins allowed to call the API (CORS); empty: none."""

    @property
    def cors_origin_list(self) -> list[str]:
        """CORS_ORIGINS as a list (`make run` sets the workbench's origin)."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def mongo_db(self) -> str:
        """This service's own database: the prefix plus the service name."""
        return f"{self.mongo_db_prefix}_{self.service_name.replace('-', '_')}"

    @model_validator(mode="after")
    def _refuse_dev_secret_in_production(self) -> ServiceSettings:
        if self.env == "production" and self.auth_secret.get_secret_value() == DEV_SECRET:
            raise ValueError("AUTH_SECRET is the development secret; production refuses it")
        if self.env == "production" and self.clock == "virtual":
            raise ValueError("CLOCK=virtual is for development and tests, not production")
        minimum = 32 if self.env == "production" else 16
        if len(self.auth_secret.get_secret_value()) < minimum:
            raise ValueError(f"AUTH_SECRET must be at least {minimum} characters in {self.env}")
        return self
