"""The sellers' webhooks through the cache: read once per seller within the time to live, a PUT
here seen at once, a seller without one remembered too."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sms_svc.adapters.subscription_cache import CachedSubscriptions
from sms_svc.domain.webhook import Subscription

from .fakes import FakeSubscriptions

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def hook(seller: str, url: str = "http://hooks.test/a") -> Subscription:
    return Subscription(seller, url, "s" * 16, NOW)


@dataclass
class CountedStore(FakeSubscriptions):
    reads: list[set[str]] = field(default_factory=list)
    gate: asyncio.Event | None = None
    """When given, a read holds its answer until the gate opens."""
    reading: asyncio.Event = field(default_factory=asyncio.Event)

    async def get_many(self, seller_ids: set[str]) -> dict[str, Subscription]:
        self.reads.append(set(seller_ids))
        found = await super().get_many(seller_ids)
        self.reading.set()
        if self.gate is not None:
            await self.gate.wait()
        return found


@dataclass
class Ticks:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


async def test_within_the_time_to_live_a_seller_is_read_once() -> None:
    store, ticks = CountedStore({"s1": hook("s1")}), Ticks()
    cache = CachedSubscriptions(store, ttl_s=2, clock=ticks)
    assert set(await cache.get_many({"s1", "s2"})) == {"s1"}
    ticks.now = 1.9
    assert set(await cache.get_many({"s1", "s2"})) == {"s1"}
    assert await cache.get("s2") is None
    assert store.reads == [{"s1", "s2"}], "s2 has none: remembered as none"
    store.kept["s2"] = hook("s2")  # put by another process
    ticks.now = 2.0
    assert set(await cache.get_many({"s1", "s2"})) == {"s1", "s2"}, "seen after the ttl"
    assert store.reads[1:] == [{"s1", "s2"}]


async def test_a_put_here_is_seen_at_once() -> None:
    store, ticks = CountedStore({"s1": hook("s1")}), Ticks()
    cache = CachedSubscriptions(store, ttl_s=60, clock=ticks)
    await cache.get_many({"s1"})
    await cache.put(hook("s1", "http://hooks.test/new"))
    found = await cache.get("s1")
    assert found is not None
    assert found.url == "http://hooks.test/new"
    assert store.kept["s1"].url == "http://hooks.test/new", "and stored"


async def test_a_put_during_a_read_is_not_overwritten_by_the_read() -> None:
    gate = asyncio.Event()
    store, ticks = CountedStore({"s1": hook("s1")}, gate=gate), Ticks()
    cache = CachedSubscriptions(store, ttl_s=60, clock=ticks)
    reading = asyncio.ensure_future(cache.get_many({"s1"}))
    await asyncio.wait_for(store.reading.wait(), timeout=5)
    await cache.put(hook("s1", "http://hooks.test/new"))
    gate.set()
    assert (await reading)["s1"].url == "http://hooks.test/new"
    found = await cache.get("s1")
    assert found is not None
    assert found.url == "http://hooks.test/new", "not the read's old answer"
    assert len(store.reads) == 1
