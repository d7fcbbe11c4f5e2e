"""Builds sms-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from datetime import timedelta

from aftersales_shared.service import Runtime, ServiceDefinition

from sms_svc import __doc__ as description
from sms_svc.adapters.http_provider import HttpProvider, RetryPolicy
from sms_svc.adapters.log_provider import LogProvider
from sms_svc.adapters.mongo import MessageLog, RateWindows
from sms_svc.adapters.notices import Notices
from sms_svc.adapters.staff_scopes import StaffScopes
from sms_svc.adapters.subscription_cache import CachedSubscriptions
from sms_svc.adapters.webhook_http import DnsGuard, HttpSender
from sms_svc.adapters.webhooks import Deliveries, Subscriptions
from sms_svc.config import Settings
from sms_svc.domain.ratelimit import RateLimits
from sms_svc.domain.webhook import Backoff
from sms_svc.entrypoints import notice_consumer
from sms_svc.entrypoints.api import router
from sms_svc.entrypoints.consumer import consumer
from sms_svc.entrypoints.deps import SmsContainer
from sms_svc.entrypoints.notices_api import router as notices_router
from sms_svc.entrypoints.sweeper import Sweeper
from sms_svc.entrypoints.webhook_worker import WebhookWorker
from sms_svc.handlers.notices import NoticeService
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.staff import StaffDirectory
from sms_svc.handlers.webhooks import WebhookService
from sms_svc.ports import SmsProvider

NOTICE_BATCH, NOTICE_DELAY_S, NOTICE_BATCHES = 256, 0.02, 3
"""The notices queue is consumed a batch at a time: at most this many messages, cut this long
after the first; this many batches in the store (or waiting for their first attempts) at once."""
FIRST_WAIT_S = 0.25
"""How long a batch waits for its deliveries' first attempts (each stored with its delivery, one
write) before it stores the unanswered ones held (their outcome is written when it comes)."""
WEBHOOK_CACHE_S = 2.0
"""How long a seller's webhook is used as read: a PUT through another process is seen within
this; one through this process at once."""


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
    """Create indexes, pick the provider, start the sweeper and the webhook worker, consume
    sms-svc's queue (sms.send, staff changes) and the notices queue (a batch at a time)."""
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

    webhooks, worker = await make_webhooks(runtime)
    notices = Notices(runtime.db["notices"])
    await notices.ensure_indexes()
    notice_service = NoticeService(notices=notices, webhooks=webhooks, sms=service)

    async def stop() -> None:  # the bus has drained the notices queue's batches before this
        await worker.stop()
        await sweeper.stop()
        await webhooks.sender.close()
        await provider.close()

    # no inbox: see entrypoints.consumer
    await runtime.bus.consume(consumer(service, directory, notice_service))
    batches = await notice_consumer.consume(
        runtime.bus, notice_service, size=NOTICE_BATCH, delay_s=NOTICE_DELAY_S,
        in_flight=NOTICE_BATCHES,
    )  # fmt: skip

    async def checks() -> dict[str, bool]:
        return {"notices_consumer": batches.ready}

    return SmsContainer(
        sms=service, sweeper=sweeper, staff=directory, notices=notice_service,
        webhooks=webhooks, webhook_worker=worker, stop=stop, checks=checks,
    )  # fmt: skip


async def make_webhooks(runtime: Runtime[Settings]) -> tuple[WebhookService, WebhookWorker]:
    """The webhook use cases and their worker (started), over their collections."""
    settings = runtime.settings
    deliveries = Deliveries(runtime.db["webhook_deliveries"])
    await deliveries.ensure_indexes()
    webhooks = WebhookService(
        subscriptions=CachedSubscriptions(
            Subscriptions(runtime.db["webhooks"]), ttl_s=WEBHOOK_CACHE_S
        ),
        deliveries=deliveries,
        sender=HttpSender(
            clock=runtime.clock.now, timeout_s=settings.webhook_timeout_s,
            concurrency=settings.webhook_concurrency,
            allow_internal=settings.webhooks_may_be_internal,
        ),
        guard=DnsGuard(allow_internal=settings.webhooks_may_be_internal),
        clock=runtime.clock,
        backoff=Backoff(
            max_attempts=settings.webhook_max_attempts,
            base=timedelta(seconds=settings.webhook_backoff_s),
            cap=timedelta(seconds=settings.webhook_backoff_max_s),
        ),
        lease=timedelta(seconds=settings.webhook_lease_s), first_wait_s=FIRST_WAIT_S,
    )  # fmt: skip
    worker = WebhookWorker(
        webhooks, interval_s=settings.webhook_sweep_interval_s,
        concurrency=settings.webhook_concurrency, per_seller=settings.webhook_per_seller,
        max_pending=settings.webhook_max_pending,
    )  # fmt: skip
    webhooks.hand_off, webhooks.poster = worker.hand_off, worker
    worker.start()
    return webhooks, worker


def definition() -> ServiceDefinition[Settings, SmsContainer]:
    return ServiceDefinition(
        name="sms-svc",
        title="sms-svc: SMS delivery, the seller's notices and webhooks",
        description=description or "",
        routers=[router, notices_router],
        bootstrap=bootstrap,
    )
