"""The webhook worker: posts new deliveries (before they are stored: `first_try`) and handed-off
ones at once, and every interval (or when woken) the due ones nobody holds (retries after their
back-off, redeliveries, those a restart left).

Bounded twice: at most `per_seller` posts in flight to one seller, so a slow endpoint holds up
only its own notices, and at most `concurrency` in all; beyond `max_pending` waiting posts a
hand-off is left to the sweep (the delivery is stored, its lease runs out, the sweep takes it).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any, TypeVar

import structlog
from aftersales_shared.background import Periodic

from sms_svc.domain.webhook import Subscription, Try, WebhookDelivery
from sms_svc.handlers.webhooks import WebhookService

log = structlog.get_logger(__name__)
T = TypeVar("T")


class WebhookWorker:
    def __init__(
        self,
        service: WebhookService,
        *,
        interval_s: float,
        concurrency: int = 64,
        per_seller: int = 4,
        max_pending: int = 10_000,
    ) -> None:
        self._service = service
        self._all = asyncio.Semaphore(concurrency)
        self._sellers: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_seller)
        )
        self._max_pending = max_pending
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop = Periodic(self._round, interval_s=interval_s, name="webhook-sweeper")
        self.start = self._loop.start
        self.wake = self._loop.wake

    def hand_off(self, delivery: WebhookDelivery, subscription: Subscription | None = None) -> bool:
        """Post a delivery this process holds soon (to `subscription` when it was just read);
        False if too many wait (the sweep will)."""
        if len(self._tasks) >= self._max_pending:
            return False
        self._track(self._post(delivery, subscription))
        return True

    def first_try(
        self, delivery: WebhookDelivery, subscription: Subscription
    ) -> asyncio.Task[Try] | None:
        """Post a new delivery before it is stored, under the same bounds; its attempt
        (unrecorded), or None if too many wait (it is stored held, and the sweep takes it)."""
        if len(self._tasks) >= self._max_pending:
            return None
        return self._track(self._first(delivery, subscription))

    def record_later(self, delivery: WebhookDelivery, tried: asyncio.Future[Try]) -> None:
        """Record a first attempt that ended after its delivery was stored."""
        self._track(self._record(delivery, tried))

    def _track(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _post(self, delivery: WebhookDelivery, subscription: Subscription | None) -> None:
        try:
            async with self._sellers[delivery.seller_id], self._all:
                await self._service.attempt(delivery, subscription)
        except Exception:
            log.exception("a webhook attempt failed; its lease runs out and the sweep retries")

    async def _first(self, delivery: WebhookDelivery, subscription: Subscription) -> Try:
        async with self._sellers[delivery.seller_id], self._all:
            return await self._service.post(delivery, subscription)

    async def _record(self, delivery: WebhookDelivery, tried: asyncio.Future[Try]) -> None:
        try:
            await self._service.record(delivery, await tried)
        except Exception:
            log.exception("a webhook attempt failed; its lease runs out and the sweep retries")

    async def _round(self) -> bool:
        room = self._max_pending - len(self._tasks)
        if room <= 0:
            return False
        taken = 0
        for delivery_id in await self._service.due(limit=min(room, 500)):
            delivery = await self._service.claim(delivery_id)
            if delivery is not None and self.hand_off(delivery):
                taken += 1
        return taken > 0

    async def drain(self) -> None:
        """Wait for the posts in flight (tests, and a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        await self._loop.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
