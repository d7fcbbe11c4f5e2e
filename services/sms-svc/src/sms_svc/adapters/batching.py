"""Micro-batching: concurrent callers' single operations become one bulk round trip.

At most `flushes` flushes run at a time per batcher (one by default); whatever arrives meanwhile
goes in the next one. A batch waits `linger_s` (a few ms) for company before it goes, trading
that much latency for round trips.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self,
        flush: Callable[[list[T]], Awaitable[Sequence[R]]],
        *,
        max_size: int = 256,
        linger_s: float = 0.003,
        flushes: int = 1,
    ) -> None:
        self._flush = flush
        self._max = max_size
        self._linger = linger_s
        self._slots = asyncio.Semaphore(flushes)
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """Queue one item; its own result (or the batch's exception) when its batch is flushed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            if self._linger and len(self._pending) < self._max:
                await asyncio.sleep(self._linger)
            await self._slots.acquire()
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            task = asyncio.create_task(self._flush_one(batch))
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)

    async def _flush_one(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        finally:
            self._slots.release()
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
