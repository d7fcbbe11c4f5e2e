"""What tests and benchmarks use and no service's runtime code may import: polling, ports,
tokens, queue inspection, a TCP proxy, and the in-memory bus."""

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
from aftersales_testkit.memory_broker import MemoryBroker
from aftersales_testkit.memory_bus import MemoryBus, MemoryInbox
from aftersales_testkit.proxy import TcpProxy

__all__ = [
    "TEST_SECRET",
    "MemoryBroker",
    "MemoryBus",
    "MemoryInbox",
    "TcpProxy",
    "bearer",
    "close_connections_named",
    "depth",
    "drain",
    "eventually",
    "free_port",
    "token",
]
