"""What a caller sees of an order: amounts in yuan, no armed timer, no entry's idempotency slot."""

from __future__ import annotations

from order_builders import CUSTOMER, NOW, new_order, order_in
from order_svc.domain.actors import Actor
from order_svc.domain.model import Status
from order_svc.domain.order import HistoryEntry
from order_svc.entrypoints.views import order_view


def test_the_view_shows_amounts_in_yuan_and_hides_what_only_the_service_uses() -> None:
    order = new_order(photos=["https://img.example.com/1.jpg"])
    order.history.append(
        HistoryEntry(
            at=NOW,
            actor_id="staff-1",
            actor_role="seller_staff",
            command="CLAIM",
            status_from="PENDING_CLAIM",
            status_to="PENDING_AUDIT",
            request="slot-1",
        )
    )
    assert order.deadlines  # applying armed the claim deadline
    view = order_view(order, Actor.customer(CUSTOMER), now=NOW)
    assert "deadlines" not in view
    assert set(view["next_deadlines"]) <= {d.kind for d in order.deadlines.values()}
    assert view["history"]
    assert all("request" not in e for e in view["history"])
    assert view["history"][-1]["command"] == "CLAIM"
    assert view["paid_amount"] == "199.00"
    assert "paid_fen" not in view
    assert view["photos"] == ["https://img.example.com/1.jpg"]
    assert not any(key.endswith("_fen") for key in _keys(view))


def test_amounts_inside_lists_are_shown_too() -> None:
    view = order_view(order_in(Status.PROVISIONALLY_DONE), Actor.customer(CUSTOMER), now=NOW)
    assert view["exchanges"][0]["amount"] == "199.00"
    assert not any(key.endswith("_fen") for key in _keys(view))


def _keys(value: object) -> list[str]:
    if isinstance(value, dict):
        return [k for k, v in value.items() for k in (k, *_keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []
