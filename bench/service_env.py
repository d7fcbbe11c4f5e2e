"""The environment a benchmark starts one service process with (system clock, quiet logs)."""

from __future__ import annotations

from aftersales_testkit import TEST_SECRET

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def service_env(*, mongo_url: str, namespace: str, db_prefix: str) -> dict[str, str]:
    """AUTH_SECRET, the store, the broker and its namespace, CLOCK=system, LOG_LEVEL=WARNING."""
    return {
        "AUTH_SECRET": TEST_SECRET,
        "MONGO_URL": mongo_url,
        "AMQP_URL": AMQP,
        "BUS_NAMESPACE": namespace,
        "CLOCK": "system",
        "LOG_LEVEL": "WARNING",
        "MONGO_DB_PREFIX": db_prefix,
    }
