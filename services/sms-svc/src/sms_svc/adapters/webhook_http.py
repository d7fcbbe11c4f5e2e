"""Posting to sellers' endpoints: aiohttp with timeouts and keep-alive pools, and the SSRF guard
that resolves a webhook's host before it is accepted, before each attempt and when connecting."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Callable
from datetime import datetime

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from sms_svc.domain.addresses import RefusedUrl, host_of
from sms_svc.domain.webhook import Try


class HttpSender:
    """POSTs over one aiohttp session: keep-alive connections pooled per host, at most
    `concurrency` in all (the worker bounds the posts per seller). Much cheaper per request than
    httpx here (see README, Performance). Unless `allow_internal`, the connector resolves through
    `GuardedResolver`, so the address connected to is one the guard has checked."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        timeout_s: float = 5.0,
        concurrency: int = 64,
        allow_internal: bool = False,
    ) -> None:
        self._now = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(timeout_s, 2.0))
        self._concurrency = concurrency
        self._allow_internal = allow_internal
        self._session: aiohttp.ClientSession | None = None
        self._resolver: GuardedResolver | None = None

    def _opened(self) -> aiohttp.ClientSession:
        """The session, made on first use (inside the running loop, as aiohttp wants)."""
        if self._session is None:
            self._resolver = None if self._allow_internal else GuardedResolver()
            connector = aiohttp.TCPConnector(
                limit=self._concurrency, keepalive_timeout=30, resolver=self._resolver
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, auto_decompress=False
            )
        return self._session

    async def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Try:
        session = self._opened()
        loop = asyncio.get_running_loop()
        at, started = self._now(), loop.time()
        code: int | None = None
        try:
            async with session.post(
                parsed(url), data=body, headers=headers, allow_redirects=False
            ) as response:
                code = response.status
                outcome = "ok" if 200 <= code < 300 else f"http_{code}"
        except TimeoutError:
            outcome = "timeout"
        except aiohttp.ClientConnectorError as exc:
            outcome = "refused" if isinstance(exc.os_error, InternalAddress) else "error"
        except (aiohttp.ClientError, OSError):
            outcome = "error"
        return Try(at, int((loop.time() - started) * 1000), outcome, code)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._resolver is not None:  # the connector closes only a resolver of its own
            await self._resolver.close()


@functools.lru_cache(maxsize=4096)
def parsed(url: str) -> URL:
    """A webhook URL parsed once (the same few URLs are posted to again and again)."""
    return URL(url)


class InternalAddress(OSError):
    """A webhook's host resolved to an address it must not reach (raised when connecting)."""


class GuardedResolver(AbstractResolver):
    """Resolves as aiohttp does, then refuses a host with any internal address: the check and
    the connection use the same answer (no DNS rebinding between them)."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        reason = refused([ipaddress.ip_address(r["host"].split("%", 1)[0]) for r in found])
        if reason is not None:
            raise InternalAddress(reason)
        return found

    async def close(self) -> None:
        await self._inner.close()


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
