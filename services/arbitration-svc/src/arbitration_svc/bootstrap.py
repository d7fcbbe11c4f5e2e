"""Builds arbitration-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from aftersales_shared.service import Runtime, ServiceDefinition, Started

from arbitration_svc import __doc__ as description
from arbitration_svc.adapters.gauges import PrometheusBacklog
from arbitration_svc.adapters.mongo import MongoCases
from arbitration_svc.entrypoints.api import router
from arbitration_svc.entrypoints.consumer import message_handler
from arbitration_svc.handlers import Backlog, Cases

DEFAULT_BACKLOG_REFRESH_S = 15.0


async def start(runtime: Runtime) -> Started:
    """Create indexes, start the backlog gauges, and hand the frame the message handler."""
    repo = MongoCases(runtime.versioned("cases"))
    await repo.ensure_indexes()
    interval = getattr(runtime.settings, "backlog_refresh_s", DEFAULT_BACKLOG_REFRESH_S)
    backlog = Backlog(
        repo=repo, clock=runtime.clock, gauges=PrometheusBacklog(), interval_s=float(interval)
    )
    cases = Cases(repo=repo, clock=runtime.clock, changed=backlog.poke)
    runtime.extras["cases"] = cases
    runtime.extras["backlog"] = backlog
    backlog.start()
    return Started(handler=message_handler(cases), stop=backlog.stop)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="arbitration-svc",
        title="arbitration-svc: arbitration cases",
        description=description or "",
        routers=[router],
        start=start,
    )
