"""The `http` provider: the SMS gateway with timeouts, bounded retries and bounded concurrency."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import structlog

from sms_svc.ports import Attempt, Delivery, OutgoingSms

log = structlog.get_logger(__name__)
RETRYABLE_STATUS = frozenset({408, 429})
ANSWER_CHARS = 500


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_s: float = 0.2
    backoff_max_s: float = 3.0

    def delay(self, failures: int, rng: random.Random) -> float:
        """Exponential backoff with jitter: half fixed, half random, capped."""
        ceiling = min(self.backoff_max_s, self.backoff_s * 2.0 ** (failures - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class HttpProvider:
    """Posts `{to, text, ref}` with the idempotency key as a header; 2xx is delivered."""

    name = "http"

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        clock: Callable[[], datetime],
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        concurrency: int = 4,
        clients: int = 8,
        rng: random.Random | None = None,
    ) -> None:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._url = url
        self._now = clock
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0))
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = {"Authorization": f"Bearer {api_key}", "User-Agent": "sms-svc/0.1"}
        self._pool = [
            (
                httpx.AsyncClient(timeout=timeout, limits=limits, headers=headers),
                asyncio.Semaphore(concurrency),
            )
            for _ in range(clients)
        ]
        self._next = itertools.cycle(range(clients))

    async def send(self, sms: OutgoingSms) -> Delivery:
        """Try up to the bound: retry 5xx, 408, 429, timeouts, network errors; no other 4xx."""
        attempts: list[Attempt] = []
        for number in range(1, self._retry.max_attempts + 1):
            attempt, retryable, ref = await self._attempt(sms)
            attempts.append(attempt)
            if attempt.outcome == "ok":
                return Delivery(ok=True, attempts=tuple(attempts), provider_ref=ref)
            log.warning(
                "sms gateway attempt failed",
                message_id=sms.message_id,
                attempt=number,
                outcome=attempt.outcome,
                retryable=retryable,
            )
            if not retryable or number == self._retry.max_attempts:
                break
            await asyncio.sleep(self._retry.delay(number, self._rng))
        return Delivery(ok=False, attempts=tuple(attempts))

    async def _attempt(self, sms: OutgoingSms) -> tuple[Attempt, bool, str | None]:
        client, gate = self._pool[next(self._next)]
        body = {"to": f"+86{sms.phone}", "text": sms.text, "ref": sms.message_id}
        loop = asyncio.get_running_loop()
        at = self._now()
        async with gate:
            started = loop.time()
            try:
                response = await client.post(
                    self._url, json=body, headers={"Idempotency-Key": sms.idempotency_key}
                )
            except httpx.TimeoutException as exc:
                return self._record(at, started, "timeout", repr(exc)), True, None
            except httpx.HTTPError as exc:
                return self._record(at, started, "error", repr(exc)), True, None
        answer = response.text[:ANSWER_CHARS]
        if response.is_success:
            return self._record(at, started, "ok", answer), False, _ref(response)
        status = response.status_code
        retryable = status >= 500 or status in RETRYABLE_STATUS
        return self._record(at, started, f"http_{status}", answer), retryable, None

    def _record(self, at: datetime, started: float, outcome: str, answer: str) -> Attempt:
        duration = int((asyncio.get_running_loop().time() - started) * 1000)
        return Attempt(at=at, duration_ms=duration, outcome=outcome, answer=answer)

    async def close(self) -> None:
        """Close every client."""
        for client, _ in self._pool:
            await client.aclose()


def _ref(response: httpx.Response) -> str | None:
    try:
        data = response.json()
    except ValueError:
        return None
    ref = data.get("id") if isinstance(data, dict) else None
    return str(ref) if ref is not None else None
