"""Sequences of calls that follow the links schemathesis infers (a seller, then its staff...).

Each call is made by the party who owns its resource: the platform for sellers, messages and
cases, the seller's own main account for its staff. The stateful checks run besides the others:
a resource just created can be read, one just deleted cannot. Every operation takes part.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import hypothesis
import pytest
import schemathesis
from aftersales_shared.auth import Role
from aftersales_testkit import bearer

from tests.conformance.conftest import ConformanceStack
from tests.conformance.descriptions import description_of
from tests.conformance.seed import headers_of
from tests.conformance.settings import (
    CONFIG,
    fresh_idempotency_key,
    pin_cursor,
    point_at_seeded_seller,
)

pytestmark = pytest.mark.conformance

WORKFLOW_SETTINGS = hypothesis.settings(
    max_examples=8,
    stateful_step_count=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)


def owner_headers(case: Any) -> dict[str, str]:
    """The Authorization of the party that owns what `case` calls."""
    seller_id = (case.path_parameters or {}).get("seller_id")
    if case.path.startswith("/v1/sellers/{seller_id}/staff") and isinstance(seller_id, str):
        # Path parameters are kept URL-encoded; the token names the seller as the server reads it.
        seller = unquote(seller_id)
        return bearer(Role.SELLER_ADMIN, sub=f"admin-of-{seller}", seller_id=seller)
    return headers_of(Role.PLATFORM_AGENT)


@pytest.mark.parametrize("service", ["order-svc", "sms-svc", "arbitration-svc"])
def test_workflows_follow_the_links(service: str, conformance_stack: ConformanceStack) -> None:
    schema = schemathesis.openapi.from_dict(description_of(service), config=CONFIG)
    base_url = conformance_stack.urls[service]

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            fresh_idempotency_key(case)
            pin_cursor(case)
            point_at_seeded_seller(case)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": base_url, "headers": owner_headers(case)}

    Workflow.run(settings=WORKFLOW_SETTINGS)
