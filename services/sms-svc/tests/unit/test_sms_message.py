"""The SMS message as an aggregate: its transitions, and its stored form round-tripping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.errors import InvalidTransition
from sms_svc.adapters.message_docs import from_doc, to_doc, to_ms
from sms_svc.domain.digest import compose, digest_message, held
from sms_svc.domain.message import Accepted, Attempt, Delivery, SmsMessage, Status
from sms_svc.domain.ratelimit import Admission

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def fresh(template: str = "RETURN_APPROVED") -> SmsMessage:
    message = SmsMessage.new("sms_1", key="k1", template=template, provider="log", now=T0)
    message.accept(Accepted(phone="13812341234", text="【售后】hi"))
    return message


def test_admitted_is_queued_under_a_lease() -> None:
    message = fresh()
    message.admit(Admission(allowed=True, entries=()), lease_until=T0 + LEASE)
    assert (message.status, message.lease_until, message.reason) == (
        Status.QUEUED,
        T0 + LEASE,
        None,
    )


def test_over_the_limit_a_customer_sms_is_throttled_a_seller_warning_held() -> None:
    refused = Admission(allowed=False, entries=(), reason="rate limit: 5 an hour to this phone")
    customer, seller = fresh(), fresh("SELLER_RETURN_WARNING")
    customer.admit(refused, lease_until=T0 + LEASE)
    seller.admit(refused, lease_until=T0 + LEASE)
    assert (customer.status, customer.reason) == (Status.THROTTLED, refused.reason)
    assert (seller.status, seller.reason) == (Status.HELD, f"held for a digest: {refused.reason}")
    assert customer.lease_until is None


def test_a_failed_delivery_is_retried_by_an_operator_once_failed_only() -> None:
    message = fresh()
    message.admit(Admission(allowed=True, entries=()), lease_until=T0 + LEASE)
    attempt = Attempt(at=T0, duration_ms=3, outcome="http_500", answer="")
    message.delivered(Delivery(ok=False, attempts=(attempt, attempt)), now=T0 + LEASE)
    assert (message.status, message.reason) == (
        Status.FAILED,
        "provider: http_500 after 2 attempts",
    )
    assert (message.lease_until, message.updated_at) == (None, T0 + LEASE)
    message.requeue(now=T0 + 2 * LEASE)
    assert (message.status, message.operator_retries) == (Status.QUEUED, 1)
    with pytest.raises(InvalidTransition):
        message.requeue(now=T0 + 3 * LEASE)


def test_a_message_round_trips_through_its_document() -> None:
    message = fresh()
    message.admit(Admission(allowed=True, entries=()), lease_until=T0 + LEASE)
    ok = Attempt(at=T0 + timedelta(seconds=1), duration_ms=7, outcome="ok", answer="{}")
    message.delivered(Delivery(ok=True, attempts=(ok,), provider_ref="p1"), now=T0 + LEASE)
    doc = to_doc(message)
    assert (doc["created_at_ms"], doc["updated_at_ms"], doc["lease_until_ms"]) == (
        to_ms(T0),
        to_ms(T0 + LEASE),
        0,
    )
    assert doc["attempts"] == [
        {"at_ms": to_ms(ok.at), "duration_ms": 7, "outcome": "ok", "answer": "{}"}
    ]
    assert "members" not in doc
    assert from_doc(doc) == message


def test_a_digest_keeps_its_members_and_orders_in_its_document() -> None:
    first = fresh("SELLER_RETURN_WARNING")
    first.params = {"order_no": "SO1", "days_left": "5"}
    digest = compose([held(first)])
    message = digest_message(digest, first=first, provider="log", now=T0, lease_until=T0 + LEASE)
    doc = to_doc(message)
    assert (doc["members"], doc["order_nos"], doc["status"]) == (["sms_1"], ["SO1"], "QUEUED")
    assert doc["idempotency_key"] == "digest:sms_1"
    assert from_doc(doc) == message
