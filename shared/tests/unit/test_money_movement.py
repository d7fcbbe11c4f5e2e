"""The wire contract of money movements on `ServiceOrderEvent` (issue 17)."""

from datetime import UTC, datetime

import pytest
from aftersales_shared.contracts import decode
from aftersales_shared.contracts.messages import MoneyMovement, ServiceOrderEvent
from aftersales_testkit.order_events import order_event
from pydantic import ValidationError

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def movement(**fields: object) -> MoneyMovement:
    base: dict[str, object] = {
        "id": "o1:REFUND@v3",
        "kind": "REFUND",
        "amount": "12.30",
        "payer": "SELLER",
        "payee": "CUSTOMER",
        "at": NOW,
    }
    return MoneyMovement.model_validate(base | fields)


def test_an_event_carries_its_movements_through_the_envelope() -> None:
    refund = movement()
    freight = movement(id="o1:FREIGHT_REFUND@v3", kind="FREIGHT_REFUND", payer="PLATFORM")
    message = order_event(
        "processed", seller_id="s1", order_id="o1", applied_at=NOW, movements=(refund, freight)
    )
    event = decode(message)
    assert isinstance(event, ServiceOrderEvent)
    assert event.movements == (refund, freight)
    assert [m.fen() for m in event.movements] == [1230, 1230]


def test_an_event_without_movements_still_decodes() -> None:
    event = decode(order_event("audited", seller_id="s1", order_id="o1", applied_at=NOW))
    assert isinstance(event, ServiceOrderEvent)
    assert event.movements == ()


@pytest.mark.parametrize("amount", ["0.00", "12", "12.5", "-1.00", "012.00", "1e3", "10000000.00"])
def test_an_amount_is_positive_with_two_places(amount: str) -> None:
    with pytest.raises(ValidationError):
        movement(amount=amount)


@pytest.mark.parametrize(
    ("kind", "payer", "payee"),
    [
        ("REFUND", "PLATFORM", "CUSTOMER"),
        ("AUTO_REFUND", "CUSTOMER", "SELLER"),
        ("FREIGHT_REFUND", "SELLER", "PLATFORM"),
        ("PRE_COMPENSATION", "CUSTOMER", "CUSTOMER"),
        ("OUTBOUND_FREIGHT", "SELLER", "CUSTOMER"),
        ("FINE", "SELLER", "PLATFORM"),
    ],
)
def test_each_kind_has_its_payer_and_payee(kind: str, payer: str, payee: str) -> None:
    with pytest.raises(ValidationError):
        movement(kind=kind, payer=payer, payee=payee)


@pytest.mark.parametrize(
    ("kind", "payer", "payee"),
    [
        ("REFUND", "SELLER", "CUSTOMER"),
        ("AUTO_REFUND", "SELLER", "CUSTOMER"),
        ("FREIGHT_REFUND", "SELLER", "CUSTOMER"),
        ("FREIGHT_REFUND", "PLATFORM", "CUSTOMER"),
        ("PRE_COMPENSATION", "SELLER", "CUSTOMER"),
        ("PRE_COMPENSATION", "PLATFORM", "CUSTOMER"),
        ("OUTBOUND_FREIGHT", "SELLER", "PLATFORM"),
    ],
)
def test_the_documented_parties_are_accepted(kind: str, payer: str, payee: str) -> None:
    assert movement(kind=kind, payer=payer, payee=payee).kind == kind


def test_a_movement_is_frozen_and_needs_an_aware_time() -> None:
    with pytest.raises(ValidationError):
        movement().amount = "1.00"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        movement(at=datetime(2026, 12, 3))  # noqa: DTZ001
