from __future__ import annotations

import asyncio

import pytest
from sms_svc.adapters.batching import Batcher


async def test_concurrent_items_share_a_flush_and_get_their_own_results() -> None:
    flushes: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        flushes.append(items)
        return [i * 10 for i in items]

    batcher: Batcher[int, int] = Batcher(flush, max_size=4, linger_s=0.001)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(10)))
    assert results == [i * 10 for i in range(10)]
    assert [len(f) for f in flushes] == [4, 4, 2]
    assert sorted(i for f in flushes for i in f) == list(range(10))


async def test_a_failed_flush_fails_its_batch_only() -> None:
    async def flush(items: list[int]) -> list[int]:
        if 0 in items:
            raise RuntimeError("store down")
        return items

    batcher: Batcher[int, int] = Batcher(flush, max_size=2, linger_s=0)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(4)), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert isinstance(results[1], RuntimeError)
    assert results[2:] == [2, 3]
    assert await batcher.submit(5) == 5


async def test_a_lone_item_is_flushed_without_waiting_for_company() -> None:
    async def flush(items: list[str]) -> list[str]:
        return [s.upper() for s in items]

    batcher: Batcher[str, str] = Batcher(flush, linger_s=0.001)
    assert await asyncio.wait_for(batcher.submit("a"), timeout=10) == "A"


async def test_a_cancelled_caller_does_not_break_the_batch() -> None:
    gate = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        await gate.wait()
        return items

    batcher: Batcher[int, int] = Batcher(flush, linger_s=0)
    first = asyncio.ensure_future(batcher.submit(1))
    second = asyncio.ensure_future(batcher.submit(2))
    await asyncio.sleep(0)
    first.cancel()
    gate.set()
    assert await second == 2
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_with_two_flushes_the_next_batch_does_not_wait_for_a_slow_one() -> None:
    first_in, release = asyncio.Event(), asyncio.Event()
    flushes: list[list[int]] = []

    async def flush(items: list[int]) -> list[int]:
        flushes.append(items)
        if not first_in.is_set():
            first_in.set()
            await release.wait()
        return items

    batcher: Batcher[int, int] = Batcher(flush, linger_s=0, flushes=2)
    slow = asyncio.ensure_future(batcher.submit(1))
    await first_in.wait()
    assert await asyncio.wait_for(batcher.submit(2), timeout=10) == 2, "not held by batch 1"
    assert not slow.done()
    release.set()
    assert await slow == 1
    assert flushes == [[1], [2]]


async def test_with_one_flush_batches_go_one_after_another() -> None:
    running, most = 0, 0

    async def flush(items: list[int]) -> list[int]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1
        return items

    batcher: Batcher[int, int] = Batcher(flush, max_size=2, linger_s=0)
    assert await asyncio.gather(*(batcher.submit(i) for i in range(8))) == list(range(8))
    assert most == 1
