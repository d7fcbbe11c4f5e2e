"""Each service's OpenAPI description, built from its app without connecting to anything."""

from __future__ import annotations

import importlib
from typing import Any

from aftersales_shared.devstack import module_of
from aftersales_shared.service import create_app
from aftersales_testkit import TEST_SECRET

SERVICES = ("order-svc", "timer-svc", "sms-svc", "metrics-svc", "arbitration-svc")


def description_of(service: str) -> dict[str, Any]:
    """The OpenAPI document `service` serves at /openapi.json under CLOCK=virtual."""
    package = module_of(service)
    definition = importlib.import_module(f"{package}.bootstrap").definition
    settings_class = importlib.import_module(f"{package}.config").Settings
    settings = settings_class(
        auth_secret=TEST_SECRET,
        mongo_url="mongodb://127.0.0.1:1",
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
        bus_namespace="conformance",
        clock="virtual",
    )
    document: dict[str, Any] = create_app(definition(), settings).openapi()
    return document
