"""Builds sms-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from datetime import timedelta

from aftersales_shared.service import Runtime, ServiceDefinition

from sms_svc import __doc__ as description
from sms_svc.adapters.http_provider import HttpProvider, RetryPolicy
from sms_svc.adapters.log_provider import LogProvider
from sms_svc.adapters.mongo import MessageLog, RateWindows
from sms_svc.adapters.staff_scopes import StaffScopes
from sms_svc.config import Settings
from sms_svc.domain.ratelimit import RateLimits
from sms_svc.entrypoints.api import router
from sms_svc.entrypoints.consumer import consumer
from sms_svc.entrypoints.deps import SmsContainer
from sms_svc.entrypoints.sweeper import Sweeper
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.staff import StaffDirectory
from sms_svc.ports import SmsProvider


def make_provider(settings: Settings, runtime: Runtime[Settings]) -> SmsProvider:
    """The adapter SMS_PROVIDER names."""
    if settings.sms_provider == "http":
        return HttpProvider(
            url=settings.sms_gateway_url,
            api_key=settings.sms_gateway_api_key.get_secret_value(),
            clock=runtime.clock.now,
            timeout_s=settings.sms_gateway_timeout_s,
            retry=RetryPolicy(
                max_attempts=settings.sms_gateway_max_attempts,
                backoff_s=settings.sms_gateway_backoff_s,
                backoff_max_s=settings.sms_gateway_backoff_max_s,
            ),
            concurrency=settings.sms_gateway_concurrency,
            clients=settings.sms_gateway_clients,
        )
    return LogProvider(clock=runtime.clock.now)


async def bootstrap(runtime: Runtime[Settings]) -> SmsContainer:
    """Create indexes, pick the provider, start the sweeper, consume sms.send and staff changes."""
    settings = runtime.settings
    messages = MessageLog(runtime.db["messages"])
    await messages.ensure_indexes()
    limits = RateLimits(per_hour=settings.sms_rate_per_hour, per_day=settings.sms_rate_per_day)
    provider = make_provider(settings, runtime)
    service = SmsService(
        messages=messages,
        windows=RateWindows(runtime.db["rate_windows"], limits=limits),
        provider=provider,
        clock=runtime.clock,
        lease=timedelta(seconds=settings.sms_lease_s),
    )
    sweeper = Sweeper(service, interval_s=settings.sms_sweep_interval_s)
    sweeper.start()
    directory = StaffDirectory(scopes=StaffScopes(runtime.db["staff_scopes"]))

    async def stop() -> None:
        await sweeper.stop()
        await provider.close()

    await runtime.bus.consume(consumer(service, directory))  # no inbox: see entrypoints.consumer
    return SmsContainer(sms=service, sweeper=sweeper, staff=directory, stop=stop)


def definition() -> ServiceDefinition[Settings, SmsContainer]:
    return ServiceDefinition(
        name="sms-svc",
        title="sms-svc: SMS delivery",
        description=description or "",
        routers=[router],
        bootstrap=bootstrap,
    )
