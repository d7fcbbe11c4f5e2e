"""A command that lost its compare-and-set to the system, or to a write older than itself (its
read came from a stale memory), is decided again; one that lost to a caller's write is refused."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from order_svc.handlers.orders import no_caller_raced

BEGAN = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
BEFORE, AFTER = BEGAN - timedelta(seconds=1), BEGAN


def order(*entries: tuple[str, datetime]) -> Any:
    return SimpleNamespace(history=[SimpleNamespace(actor_role=r, at=at) for r, at in entries])


def test_changes_by_the_system_alone_allow_a_retry() -> None:
    read = order(("customer", BEFORE))
    latest = order(("customer", BEFORE), ("system", AFTER), ("system", AFTER))
    assert no_caller_raced(read, latest, since=BEGAN)
    assert no_caller_raced(read, read, since=BEGAN)


def test_a_change_by_any_caller_while_the_command_ran_is_a_real_race() -> None:
    read = order(("customer", BEFORE))
    for role in ("seller_admin", "customer"):
        latest = order(("customer", BEFORE), ("system", AFTER), (role, AFTER))
        assert not no_caller_raced(read, latest, since=BEGAN), role


def test_a_callers_change_from_before_the_command_began_means_the_read_was_stale() -> None:
    read = order(("customer", BEFORE))
    latest = order(("customer", BEFORE), ("seller_admin", BEFORE))
    assert no_caller_raced(read, latest, since=BEGAN)
