from __future__ import annotations

import itertools

import pytest
from aftersales_shared.errors import InvalidTransition
from sms_svc.domain.message import (
    FINAL,
    TRANSITIONS,
    Accepted,
    Event,
    Rejected,
    Status,
    message_id,
    next_status,
    validate,
)

ALLOWED = {
    (Status.QUEUED, Event.DELIVERED): Status.SENT,
    (Status.QUEUED, Event.DELIVERY_FAILED): Status.FAILED,
    (Status.FAILED, Event.RETRY_REQUESTED): Status.QUEUED,
    (Status.HELD, Event.MERGED): Status.DIGESTED,
}


@pytest.mark.parametrize(("status", "event"), list(itertools.product(Status, Event)))
def test_every_status_and_event(status: Status, event: Event) -> None:
    if (status, event) in ALLOWED:
        assert next_status(status, event) == ALLOWED[(status, event)]
    else:
        with pytest.raises(InvalidTransition):
            next_status(status, event)


def test_final_statuses_have_no_way_out() -> None:
    assert TRANSITIONS == ALLOWED
    assert not [key for key in TRANSITIONS if key[0] in FINAL]


def test_ids_are_stable_per_key_and_distinct_across_keys() -> None:
    assert message_id("k1") == message_id("k1")
    assert message_id("k1") != message_id("k2")
    assert message_id("a/b?c").startswith("sms_")


def test_validate_accepts_and_renders() -> None:
    result = validate(
        recipient="+86 13812341234", template="RETURN_APPROVED", params={"order_no": "A1"}
    )
    assert isinstance(result, Accepted)
    assert result.phone == "13812341234"
    assert "A1" in result.text


@pytest.mark.parametrize(
    ("recipient", "template", "params", "reason"),
    [
        ("12345", "RETURN_APPROVED", {"order_no": "A1"}, "recipient:"),
        ("13812341234", "NOPE", {"order_no": "A1"}, "params: unknown template"),
        ("13812341234", "REFUND_ISSUED", {"order_no": "A1"}, "params:"),
    ],
)
def test_validate_rejects_with_reason(
    recipient: str, template: str, params: dict[str, str], reason: str
) -> None:
    result = validate(recipient=recipient, template=template, params=params)
    assert isinstance(result, Rejected)
    assert result.reason.startswith(reason)
