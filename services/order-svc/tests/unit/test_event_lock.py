"""Order events say whether the order is locked, so metrics-svc can leave locked receipts out."""

from __future__ import annotations

import pytest
from aftersales_shared.contracts.messages import ServiceOrderEvent
from order_builders import NOW, order_in, valid
from order_svc.domain.decide import execute
from order_svc.domain.model import Cmd, Status
from order_svc.handlers.wire import messages


@pytest.mark.parametrize("locked", [True, False])
def test_a_receipt_says_whether_it_happened_while_locked(locked: bool) -> None:
    actor, payload = valid(Cmd.REGISTER_RECEIPT)
    order = order_in(Status.AWAITING_RETURN, locked=locked)
    decision = execute(order, Cmd.REGISTER_RECEIPT, actor=actor, now=NOW, payload=payload)
    received = next(m for m in messages(decision) if m.type == "serviceorder.received")
    assert isinstance(received.payload, ServiceOrderEvent)
    assert received.payload.locked is locked
    assert received.payload.received_at == NOW


def test_a_request_for_arbitration_carries_the_lock_and_the_receipt() -> None:
    actor, payload = valid(Cmd.REQUEST_ARBITRATION)
    order = order_in(Status.PENDING_PROCESS)
    order.received_at = NOW
    decision = execute(order, Cmd.REQUEST_ARBITRATION, actor=actor, now=NOW, payload=payload)
    event = next(m for m in messages(decision) if m.type == "serviceorder.locked")
    assert isinstance(event.payload, ServiceOrderEvent)
    assert event.payload.locked is True
    assert event.payload.status_from == "PENDING_PROCESS"
    assert event.payload.received_at == NOW
