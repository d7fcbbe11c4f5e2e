"""Every operation of every service, called by every role, against its own OpenAPI description.

Schemathesis generates requests from each service's description (valid and invalid ones) and
runs all of its checks on the answers: no 5xx, documented status codes, content types, headers
and schemas, invalid input refused and valid input accepted, authentication not ignored,
405 with an `Allow` header for undocumented methods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from aftersales_shared.auth import Role

from tests.conformance.conftest import ConformanceStack
from tests.conformance.descriptions import description_of
from tests.conformance.seed import headers_of
from tests.conformance.settings import (
    CONFIG,
    fresh_idempotency_key,
    point_at_seeded_order,
    point_at_seeded_seller,
)

pytestmark = pytest.mark.conformance

ROLES = [role.value for role in Role]


def _conformance_test(service: str) -> Callable[..., None]:
    schema = schemathesis.openapi.from_dict(description_of(service), config=CONFIG)

    @schema.parametrize()
    @pytest.mark.parametrize("role", ROLES)
    def check(case: Any, role: str, conformance_stack: ConformanceStack) -> None:
        fresh_idempotency_key(case)
        point_at_seeded_order(case, conformance_stack.order_id)
        point_at_seeded_seller(case)
        case.call_and_validate(
            base_url=conformance_stack.urls[service], headers=headers_of(Role(role))
        )

    return check


test_order_svc = _conformance_test("order-svc")
test_timer_svc = _conformance_test("timer-svc")
test_sms_svc = _conformance_test("sms-svc")
test_metrics_svc = _conformance_test("metrics-svc")
test_arbitration_svc = _conformance_test("arbitration-svc")
