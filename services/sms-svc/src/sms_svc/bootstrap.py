"""Builds sms-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from aftersales_shared.bus import dispatcher
from aftersales_shared.service import Runtime, ServiceDefinition, Started

from sms_svc import __doc__ as description


async def start(runtime: Runtime) -> Started:
    """Create indexes and hand the frame this service's message handler."""
    return Started(handler=dispatcher({}))


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="sms-svc",
        title="sms-svc: SMS delivery",
        description=description or "",
        routers=[],
        start=start,
    )
