"""What tests and benchmarks use and no service's runtime code may import: polling, ports,
tokens, queue inspection, a TCP proxy, the in-memory bus, and scratch databases."""

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
from aftersales_testkit.scratch import scratch_db

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
    "scratch_db",
    "token",
]
