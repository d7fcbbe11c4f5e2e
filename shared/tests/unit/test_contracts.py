from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import QUEUES, REGISTRY, Envelope, decode, envelope, spec_for
from aftersales_shared.contracts.messages import SmsSend, TimerCancel
from pydantic import ValidationError

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_envelope_round_trips_through_json() -> None:
    message = envelope(
        type="timer.cancel",
        payload=TimerCancel(deadline_id="d1"),
        occurred_at=NOW,
        seller_id="s1",
        correlation_id="c1",
    )
    again = Envelope.model_validate_json(message.model_dump_json())
    assert again == message
    assert decode(again) == TimerCancel(deadline_id="d1")
    assert again.correlation_id == "c1"


def test_correlation_defaults_to_the_message_id() -> None:
    message = envelope(
        type="timer.cancel", payload=TimerCancel(deadline_id="d"), occurred_at=NOW, seller_id=None
    )
    assert message.correlation_id == message.id


def test_envelope_refuses_a_payload_of_another_type() -> None:
    with pytest.raises(TypeError, match=r"timer\.cancel"):
        envelope(
            type="timer.cancel",
            payload=SmsSend(recipient="13800000000", template="T", idempotency_key="k"),
            occurred_at=NOW,
            seller_id=None,
        )


def test_envelope_refuses_an_unregistered_type() -> None:
    with pytest.raises(KeyError, match="unregistered"):
        spec_for("nobody.knows")


def test_envelopes_are_frozen_and_need_aware_times() -> None:
    message = envelope(
        type="timer.cancel", payload=TimerCancel(deadline_id="d"), occurred_at=NOW, seller_id=None
    )
    with pytest.raises(ValidationError):
        message.id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Envelope(id="x", type="t", occurred_at=datetime(2026, 1, 1), correlation_id="c")  # noqa: DTZ001


@pytest.mark.parametrize("spec", list(REGISTRY.values()), ids=lambda s: s.type)
def test_every_type_has_a_consumer_or_is_broadcast(spec: object) -> None:
    from aftersales_shared.contracts import MessageSpec

    assert isinstance(spec, MessageSpec)
    assert spec.broadcast or spec.consumers, f"{spec.type} would be unroutable"
    assert set(spec.consumers) <= set(QUEUES)


def test_routing_keys_are_unique() -> None:
    keys = [spec.routing_key for spec in REGISTRY.values()]
    assert len(keys) == len(set(keys))
