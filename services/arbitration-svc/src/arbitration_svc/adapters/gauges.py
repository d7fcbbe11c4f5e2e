"""The backlog's gauges on /metrics (Prometheus): the platform watches its open cases there."""

from __future__ import annotations

from prometheus_client import Gauge

from arbitration_svc.domain.backlog import BacklogCount

OPEN_CASES = Gauge(
    "arbitration_open_cases", "Cases not ruled yet, by status and age", ["status", "age"]
)
OLDEST = Gauge("arbitration_oldest_open_case_age_seconds", "Age of the oldest case not ruled yet")


class PrometheusBacklog:
    """Shows a backlog count on the process's gauges."""

    def show(self, backlog: BacklogCount) -> None:
        for (status, age), count in backlog.counts.items():
            OPEN_CASES.labels(status=status, age=age).set(count)
        OLDEST.set(backlog.oldest.total_seconds())
