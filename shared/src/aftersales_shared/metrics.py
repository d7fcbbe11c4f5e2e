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
HTTP_REQUESTS = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
STORE_COMMANDS = Counter(
    "store_commands_total", "Commands sent to MongoDB, by command name", ["command"]
)
