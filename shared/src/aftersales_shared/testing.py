"""Kept so existing tests import as before; the helpers live in `aftersales_testkit`.

No runtime module may import this (it pulls in the test kit): see the module-boundary test."""

from aftersales_testkit.helpers import (
    TEST_SECRET,
    bearer,
    close_connections_named,
    depth,
    drain,
    eventually,
    free_port,
    token,
)
from aftersales_testkit.proxy import TcpProxy

__all__ = [
    "TEST_SECRET",
    "TcpProxy",
    "bearer",
    "close_connections_named",
    "depth",
    "drain",
    "eventually",
    "free_port",
    "token",
]
