"""A command that lost its race to a deadline firing alone is decided again, not refused."""

from types import SimpleNamespace
from typing import Any

from order_svc.handlers import only_system_since


def order(*roles: str) -> Any:
    return SimpleNamespace(history=[SimpleNamespace(actor_role=r) for r in roles])


def test_changes_by_the_system_alone_allow_a_retry() -> None:
    assert only_system_since(order("customer"), order("customer", "system", "system"))
    assert only_system_since(order("customer"), order("customer"))


def test_a_change_by_any_caller_is_a_real_race() -> None:
    assert not only_system_since(order("customer"), order("customer", "system", "seller_admin"))
    assert not only_system_since(order("customer"), order("customer", "customer"))
