"""Posting to sellers' endpoints: httpx with timeouts and bounded concurrency per client, and
the SSRF guard that resolves a webhook's host before it is accepted and before each attempt."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import logging
import socket
from collections.abc import Callable
from datetime import datetime

import httpx

from sms_svc.domain.addresses import RefusedUrl, host_of
from sms_svc.domain.webhook import Try


class HttpSender:
    """POSTs over a few clients, each with at most `concurrency` requests in flight (httpx
    slows down sharply with many on one client here: see conventions)."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        timeout_s: float = 5.0,
        concurrency: int = 8,
        clients: int = 4,
    ) -> None:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._now = clock
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0))
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self._pool = [
            (
                httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False),
                asyncio.Semaphore(concurrency),
            )
            for _ in range(clients)
        ]
        self._next = itertools.cycle(range(clients))

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Try:
        client, gate = self._pool[next(self._next)]
        loop = asyncio.get_running_loop()
        at = self._now()
        async with gate:
            started = loop.time()
            try:
                response = await client.post(url, content=body, headers=headers)
                code: int | None = response.status_code
                outcome = "ok" if response.is_success else f"http_{code}"
            except httpx.TimeoutException:
                code, outcome = None, "timeout"
            except httpx.HTTPError:
                code, outcome = None, "error"
        return Try(at, int((loop.time() - started) * 1000), outcome, code)

    async def close(self) -> None:
        for client, _ in self._pool:
            await client.aclose()


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def internal(address: Address) -> bool:
    """Whether a webhook must not reach this address in production: loopback, private,
    link-local, multicast, reserved, unspecified or otherwise not global (IPv4-mapped too)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def refused(addresses: list[Address]) -> str | None:
    """Why these resolved addresses are refused (any internal one is enough), or None."""
    if not addresses:
        return "the host does not resolve"
    bad = [str(a) for a in addresses if internal(a)]
    return f"the host resolves to internal addresses: {', '.join(bad)}" if bad else None


class DnsGuard:
    """Refuses URLs that are not http(s), and (unless `allow_internal`) any whose host resolves
    to a loopback, private, link-local or other internal address."""

    def __init__(self, *, allow_internal: bool) -> None:
        self._allow_internal = allow_internal

    async def refused(self, url: str) -> str | None:
        try:
            host, port = host_of(url)
        except RefusedUrl as exc:
            return str(exc)
        if self._allow_internal:
            return None
        return refused(await resolve(host, port))


async def resolve(host: str, port: int) -> list[Address]:
    """Every address the host resolves to (an IP literal is itself); [] if it does not."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
