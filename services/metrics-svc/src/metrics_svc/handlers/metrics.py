"""What the use cases count: metrics-svc's own Prometheus series (served at /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

FACTS_INGESTED = Counter(
    "metrics_facts_ingested_total", "Facts from order events, by result", ["result"]
)
WEEK_CLOSE_SECONDS = Histogram(
    "metrics_week_close_seconds", "Time to close and rank a week", buckets=(1, 5, 15, 30, 60, 120)
)
CHECKPOINT_SECONDS = Histogram(
    "metrics_counters_checkpoint_seconds",
    "Time to save the changed pages of counters",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ACTIVE = Gauge("metrics_active", "1 while this metrics-svc process is the active one")
LEDGER_ENTRIES = Counter(
    "metrics_ledger_entries_total", "Ledger entries sent to the store (a duplicate is ignored)"
)
