"""Where a webhook may point: http(s) only, and in production never at loopback, private,
link-local or otherwise internal addresses (SSRF); the name is resolved by the adapter."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedUrl(ValueError):
    """The URL may not be a webhook."""


def host_of(url: str) -> tuple[str, int]:
    """The host and port a webhook URL names; RefusedUrl unless it is http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedUrl("a webhook URL is http:// or https:// with a host")
    if parts.username or parts.password:
        raise RefusedUrl("a webhook URL carries no credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedUrl("the webhook URL's port is not a number") from None
    return parts.hostname, port


def internal(address: Address) -> bool:
    """Whether an address is one a webhook must not reach in production."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def refused(addresses: list[Address]) -> str | None:
    """Why these resolved addresses are refused (any internal one is enough), or None."""
    if not addresses:
        return "the host does not resolve"
    bad = [str(a) for a in addresses if internal(a)]
    return f"the host resolves to internal addresses: {', '.join(bad)}" if bad else None
