"""Notices from the messages that tell of them: which order events, their facts, their ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.contracts.notices import NOTICE_KINDS, NoticeRequested
from pydantic import ValidationError
from sms_svc.domain.notice import TEXTS, from_order_event, from_request, notice_id
from sms_svc.domain.templates import SEGMENT, render
from sms_svc.handlers.notices import warning_sms

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def event(**fields: Any) -> ServiceOrderEvent:
    facts: dict[str, Any] = {
        "order_id": "o1", "order_no": "SO1", "seller_id": "s1", "category": "phones",
        "customer_tier": "GOLD", "status_from": "PENDING_PROCESS",
        "status_to": "PROVISIONALLY_DONE", "command": "x", "actor_id": "a", "actor_role": "r",
        "paid_amount": "199.00", "applied_at": NOW, "order_version": 2,
    }  # fmt: skip
    return ServiceOrderEvent(**(facts | fields))


def test_every_kind_has_a_text() -> None:
    assert set(TEXTS) == set(NOTICE_KINDS)


@pytest.mark.parametrize(
    ("name", "fields", "kinds"),
    [
        ("auto_refunded", {"refund_amount": "199.00"}, ["AUTO_REFUNDED"]),
        ("pre_compensated", {"charged_to_seller": "199.00"}, ["PRE_COMPENSATED"]),
        ("processed", {"exchange_order_id": "XO-1-o1", "data": {"exchange_sku": "k"}},
         ["EXCHANGE_ORDER_CREATED"]),
        ("audited", {"exchange_order_id": "XO-1-o1", "data": {"exchange_sku": "k"}},
         ["EXCHANGE_ORDER_CREATED"]),
        ("ruling_applied", {"exchange_order_id": "XO-1-o1", "data": {"exchange_sku": "k",
         "ruling": "EXCHANGE"}}, ["EXCHANGE_ORDER_CREATED", "RULED"]),
        ("ruling_applied", {"data": {"ruling": "REFUND"}, "refund_amount": "50.00"}, ["RULED"]),
        ("processed", {"exchange_order_id": "XO-1-o1"}, []),
        ("audited", {}, []),
    ],
)  # fmt: skip
def test_which_order_events_are_notices(
    name: str, fields: dict[str, Any], kinds: list[str]
) -> None:
    found = from_order_event(name, event(**fields), at=NOW)
    assert [n.kind for n in found] == kinds
    assert all(n.seller_id == "s1" and n.category == "phones" for n in found)


def test_the_same_event_twice_is_the_same_notice() -> None:
    fields = {"exchange_order_id": "XO-1-o1", "data": {"exchange_sku": "k"}}
    (a,) = from_order_event("processed", event(**fields), at=NOW)
    (b,) = from_order_event("processed", event(**fields, order_version=5), at=NOW)
    assert a.id == b.id
    assert a.facts["exchange_order_no"] == "XO-1-o1"
    assert "XO-1-o1" in a.text


def test_a_warning_needs_its_due_date_and_a_fine_its_amount() -> None:
    with pytest.raises(ValidationError):
        NoticeRequested(notice_key="k", seller_id="s", kind="AUDIT_DUE_SOON", order_id="o")
    with pytest.raises(ValidationError):
        NoticeRequested(notice_key="k", seller_id="s", kind="FINED")
    with pytest.raises(ValidationError):
        NoticeRequested(notice_key="k", seller_id="s", kind="RULED")  # type: ignore[arg-type]


def test_a_warning_and_its_sms() -> None:
    p = NoticeRequested(
        notice_key="AUDIT_DUE_SOON:o1", seller_id="s1", kind="AUDIT_DUE_SOON", order_id="o1",
        order_no="SO2026112612345678", due_at=NOW + timedelta(hours=2), category="phones",
    )  # fmt: skip
    notice = from_request(p, at=NOW)
    assert notice.id == notice_id("AUDIT_DUE_SOON:o1")
    assert notice.warning
    assert "12-01 18:00" in notice.text, "the deadline in Asia/Shanghai time"
    sms = warning_sms(notice, phone="13900001111")
    assert sms.params == {"order_no": "SO2026112612345678", "hours_left": "2"}
    assert sms.idempotency_key == f"notice:{notice.id}"
    assert len(render(sms.template, sms.params)) <= SEGMENT


def test_a_fine_names_its_orders() -> None:
    p = NoticeRequested(
        notice_key="FINED:s1:2026-W48", seller_id="s1", kind="FINED", amount="4000.00",
        order_ids=[f"o{n}" for n in range(20)], week="2026-W48",
    )  # fmt: skip
    notice = from_request(p, at=NOW)
    assert not notice.warning
    assert "4000.00" in notice.text
    assert "o19" in notice.text
    assert len(notice.order_ids) == 20
