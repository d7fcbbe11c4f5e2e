"""`allowed_actions` leaves out the commands with no transition before asking `refusal`: the list
is still exactly what `refusal` lets through, in every state, locked or not, for every caller."""

from __future__ import annotations

import pytest
from order_builders import CUSTOMER, main_account, order_in, staff
from order_svc.domain.actors import Actor
from order_svc.domain.model import Permission, Status
from order_svc.domain.table import CALLER_COMMANDS, allowed_actions, refusal

ACTORS = {
    "customer": Actor.customer(CUSTOMER),
    "other customer": Actor.customer("someone-else"),
    "main account": main_account(),
    "staff with all": staff(*Permission),
    "staff without": staff(),
    "other staff": staff(*Permission, sid="staff-2"),
}


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("who", list(ACTORS))
def test_allowed_actions_are_what_refusal_lets_through(
    status: Status, locked: bool, who: str
) -> None:
    order, actor = order_in(status, locked=locked), ACTORS[who]
    expected = [c.value for c in CALLER_COMMANDS if refusal(order, c, actor) is None]
    assert allowed_actions(order, actor) == expected


def test_some_state_allows_some_action() -> None:
    """The comparison above is not between two empty lists everywhere."""
    assert allowed_actions(order_in(Status.PENDING_CLAIM), main_account())
