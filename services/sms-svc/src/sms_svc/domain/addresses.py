"""Where a webhook may point: http(s) to a host name or IPv4 address, no credentials. Which
resolved addresses are internal (SSRF) is judged where the name is resolved
(`adapters/webhook_http.py`, `internal`)."""

from __future__ import annotations

import re

URL = re.compile(r"^(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?:[/?#][!-~]*)?$")
"""The shape `PUT /v1/webhooks` documents: no user info, no IPv6 literal, printable ASCII."""


class RefusedUrl(ValueError):
    """The URL may not be a webhook."""


def host_of(url: str) -> tuple[str, int]:
    """The host and port a webhook URL names; RefusedUrl unless it has the documented shape."""
    match = URL.fullmatch(url)
    if match is None:
        raise RefusedUrl("a webhook URL is http:// or https:// with a host name (no credentials)")
    scheme, host, port = match.groups()
    number = int(port) if port else (443 if scheme == "https" else 80)
    if not 0 < number < 65536:
        raise RefusedUrl("the webhook URL's port is out of range")
    return host.lower(), number
