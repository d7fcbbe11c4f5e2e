"""The sellers' webhooks read through a short-lived cache: a batch of notices seldom reads them.

A PUT through this process replaces its entry at once; one through another process (another
replica) is seen here within `ttl_s`. A seller without a webhook is remembered too (most have
none), for as long.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sms_svc.domain.webhook import Subscription
from sms_svc.ports import SubscriptionStore

MAX_ENTRIES = 100_000
"""Past this many sellers remembered, the expired entries are dropped (memory stays bounded)."""


class CachedSubscriptions:
    def __init__(
        self,
        store: SubscriptionStore,
        *,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store, self._ttl, self._clock = store, ttl_s, clock
        self._kept: dict[str, tuple[Subscription | None, float]] = {}

    async def put(self, subscription: Subscription) -> None:
        await self._store.put(subscription)
        self._kept[subscription.seller_id] = (subscription, self._clock() + self._ttl)

    async def get(self, seller_id: str) -> Subscription | None:
        return (await self.get_many({seller_id})).get(seller_id)

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        """The webhooks of those sellers that have one: one read of the store for those not
        remembered (or remembered too long), none for the others."""
        now = self._clock()
        missing = {s for s in seller_ids if self._expired(s, now)}
        if missing:
            found = await self._store.get_many(missing)
            if len(self._kept) + len(missing) > MAX_ENTRIES:
                self._kept = {s: entry for s, entry in self._kept.items() if entry[1] > now}
            until = now + self._ttl
            for seller_id in missing:
                if self._expired(seller_id, now):  # else a PUT here came meanwhile: it stands
                    self._kept[seller_id] = (found.get(seller_id), until)
        return {s: sub for s in seller_ids if (sub := self._kept[s][0]) is not None}

    def _expired(self, seller_id: str, now: float) -> bool:
        entry = self._kept.get(seller_id)
        return entry is None or entry[1] <= now
