"""Which applications hold their order line: every one not in a final state."""

from __future__ import annotations

import pytest
from order_builders import order_in
from order_svc.domain.model import FINAL, Status
from order_svc.domain.open_lines import open_line


@pytest.mark.parametrize("status", list(Status))
def test_an_application_holds_its_line_until_it_is_final(status: Status) -> None:
    order = order_in(status)
    held = open_line(order)
    if status in FINAL:
        assert held is None
    else:
        assert held == f"{order.order_no}|{order.sku}"


def test_lines_differ_by_order_and_sku() -> None:
    a, b = order_in(Status.PENDING_CLAIM), order_in(Status.PENDING_CLAIM)
    b.sku = "SKU-2"
    assert open_line(a) != open_line(b)
