"""Prometheus metrics every service exposes at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_PUBLISHED = Counter(
    "bus_messages_published_total", "Messages confirmed by the broker", ["type"]
)
MESSAGES_HANDLED = Counter(
    "bus_messages_handled_total", "Messages consumed, by result", ["type", "result"]
)
OUTBOX_PENDING = Gauge(
    "outbox_pending_documents", "Documents with unpublished messages seen by the relay"
)
OUTBOX_LAG = Histogram(
    "outbox_lag_seconds",
    "From a message's write (commit) to the broker's confirm of its publish by the relay",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 12, 30),
)
HTTP_REQUESTS = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
STORE_COMMANDS = Counter(
    "store_commands_total", "Commands sent to MongoDB, by command name", ["command"]
)
