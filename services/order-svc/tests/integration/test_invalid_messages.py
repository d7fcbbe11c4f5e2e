"""A message whose payload does not validate is dead-lettered at its first delivery, on RabbitMQ."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ArbitrationRuled, TimerFired
from aftersales_shared.messaging import Bus
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_testkit import depth, drain, eventually
from api_support import Api

pytestmark = pytest.mark.integration


def handled(message_type: str) -> dict[str, float]:
    """How many deliveries of `message_type` order-svc's consumer settled so far, by result."""
    return {
        result: MESSAGES_HANDLED.labels(type=message_type, result=result)._value.get()
        for result in ("ok", "retried", "dead_lettered", "invalid", "duplicate")
    }


@pytest.mark.parametrize(
    ("message_type", "sender", "valid", "broken"),
    [
        (
            "timer.fired",
            "timer-svc",
            TimerFired(
                deadline_id="d:AUTO_REFUND@v1",
                kind="AUTO_REFUND",
                order_id="so-x",
                due_at=datetime(2026, 12, 1, tzinfo=UTC),
                fired_at=datetime(2026, 12, 1, tzinfo=UTC),
            ),
            {"deadline_id": "d:AUTO_REFUND@v1", "kind": "NO_SUCH_KIND", "order_id": "so-x"},
        ),
        (
            "arbitration.ruled",
            "arbitration-svc",
            ArbitrationRuled(
                case_id="c1", order_id="so-x", outcome="REFUND", note="n", ruled_by="agent-1"
            ),
            {"case_id": "c1", "order_id": "so-x", "outcome": "MAYBE"},
        ),
    ],
)
async def test_a_malformed_payload_goes_to_the_dlq_after_one_delivery(
    api: Api,
    amqp_url: str,
    namespace: str,
    message_type: str,
    sender: str,
    valid: TimerFired | ArbitrationRuled,
    broken: dict[str, object],
) -> None:
    bus = Bus(url=amqp_url, namespace=namespace, service=sender)
    await bus.connect()
    before = handled(message_type)
    message = envelope(
        type=message_type, payload=valid, occurred_at=datetime.now(UTC), seller_id=api.seller
    ).model_copy(update={"payload": broken})
    await bus.publish(message)
    dlq = f"{namespace}.order-svc.dlq"

    async def dead_lettered() -> bool:
        return await depth(amqp_url, dlq) >= 1

    await eventually(dead_lettered, timeout=60, what="the malformed message in the DLQ")
    await bus.close()
    [dead] = await drain(amqp_url, dlq)
    headers = dict(dead.headers or {})
    assert dead.message_id == message.id
    assert "x-attempts" not in headers, "dead-lettered at its first delivery, never retried"
    assert "validation error" in str(headers["x-failure-reason"])
    after = handled(message_type)
    delta = {result: after[result] - before[result] for result in after}
    assert delta == {"ok": 0, "retried": 0, "dead_lettered": 1, "invalid": 0, "duplicate": 0}
    assert await depth(amqp_url, f"{namespace}.order-svc.retry") == 0
    assert await depth(amqp_url, f"{namespace}.order-svc") == 0
