"""timer-svc's Prometheus metrics (served at /metrics with the frame's own)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENESS = Histogram(
    "timer_firing_lateness_seconds",
    "How long after its due instant a deadline was confirmed on the bus",
    ["trigger"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 86400, 30 * 86400),
)
FIRED = Counter("timer_deadlines_fired_total", "Deadlines fired (confirmed, marked)", ["trigger"])
PENDING = Gauge("timer_deadlines_pending", "Deadlines pending in the store (not suspended)")
