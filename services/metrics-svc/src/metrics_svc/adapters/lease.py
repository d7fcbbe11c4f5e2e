"""One active metrics-svc: a lease document in the store that its holder keeps renewing.

Dev-store safe: the document is created once (a duplicate key means it exists), then taken with
`find_one_and_update` on `until_ms` (expired) and renewed on `owner`. Expiry is wall-clock epoch
milliseconds, shared by every replica; whether this process may still write is judged on its own
monotonic clock from its last renewal, less a margin, so a late renewal fails safe.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from aftersales_shared.persistence import Doc
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

LEASE_ID = "active"


def wall_ms() -> int:
    """Epoch milliseconds of the system clock (leases run on real time, not the virtual one)."""
    return int(time.time() * 1000)


class LeaseLost(RuntimeError):
    """This process no longer holds the lease: it must not write counters or close weeks."""


class Lease:
    def __init__(
        self,
        collection: AsyncCollection[Doc],
        *,
        owner: str,
        ttl_s: float,
        now_ms: Callable[[], int] = wall_ms,
    ) -> None:
        self._c, self.owner, self._ttl_s, self._now = collection, owner, ttl_s, now_ms
        self._margin_s = min(1.0, ttl_s / 4)
        self._valid_until = 0.0

    def held(self) -> bool:
        """Whether this process may act as the active one right now."""
        return time.monotonic() < self._valid_until

    def check(self) -> None:
        """LeaseLost unless `held()`."""
        if not self.held():
            raise LeaseLost(f"{self.owner} does not hold the metrics-svc lease")

    async def try_acquire(self) -> bool:
        """Take the lease if nobody holds it (expired or released); True if now ours."""
        with contextlib.suppress(DuplicateKeyError):
            await self._c.insert_one({"_id": LEASE_ID, "owner": "", "until_ms": 0})
        return await self._take({"until_ms": {"$lt": self._now()}})

    async def renew(self) -> bool:
        """Extend our lease; False if another process has taken it."""
        return await self._take({"owner": {"$eq": self.owner}})

    async def _take(self, condition: Doc) -> bool:
        started = time.monotonic()
        doc = await self._c.find_one_and_update(
            {"_id": {"$eq": LEASE_ID}, **condition},
            {"$set": {"owner": self.owner, "until_ms": self._now() + int(self._ttl_s * 1000)}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return False
        self._valid_until = started + self._ttl_s - self._margin_s
        return True

    async def release(self) -> None:
        """Give the lease up at a graceful stop, so a standby takes over at once."""
        self._valid_until = 0.0
        await self._c.update_one(
            {"_id": {"$eq": LEASE_ID}, "owner": {"$eq": self.owner}}, {"$set": {"until_ms": 0}}
        )
