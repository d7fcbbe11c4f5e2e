"""Builds arbitration-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from aftersales_shared.service import Runtime, ServiceDefinition

from arbitration_svc import __doc__ as description
from arbitration_svc.adapters.gauges import PrometheusBacklog
from arbitration_svc.adapters.mongo import MongoCases
from arbitration_svc.config import Settings
from arbitration_svc.entrypoints.api import router
from arbitration_svc.entrypoints.consumer import message_handler
from arbitration_svc.entrypoints.deps import ArbitrationContainer
from arbitration_svc.handlers import Backlog, Cases


async def bootstrap(runtime: Runtime[Settings]) -> ArbitrationContainer:
    """Create indexes, start the backlog gauges, and hand the frame the message handler."""
    repo = MongoCases(runtime.versioned("cases"))
    await repo.ensure_indexes()
    interval = runtime.settings.backlog_refresh_s
    backlog = Backlog(
        repo=repo, clock=runtime.clock, gauges=PrometheusBacklog(), interval_s=interval
    )
    cases = Cases(repo=repo, clock=runtime.clock, changed=backlog.poke)
    backlog.start()
    return ArbitrationContainer(
        cases=cases, backlog=backlog, handler=message_handler(cases), stop=backlog.stop
    )


def definition() -> ServiceDefinition[Settings, ArbitrationContainer]:
    return ServiceDefinition(
        name="arbitration-svc",
        title="arbitration-svc: arbitration cases",
        description=description or "",
        routers=[router],
        bootstrap=bootstrap,
    )
