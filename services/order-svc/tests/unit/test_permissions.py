"""Every seller command x every state it runs in x {main, AUDIT, PROCESS, both, neither, other
category}: the permission domain.md names for it decides, and nothing else."""

from __future__ import annotations

import pytest
from aftersales_shared.errors import NotFound, NotPermitted
from order_builders import NOW, main_account, order_in, staff, valid
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import execute
from order_svc.domain.model import AUDIT_COMMANDS, PROCESS_COMMANDS, Cmd, Permission, Status
from order_svc.domain.table import TRANSITIONS

A, P = Permission.AUDIT, Permission.PROCESS
MAIN = "main account only"
# domain.md's "by" column, transcribed independently of domain/table.py.
SELLER_NEEDS: dict[Cmd, Permission | str | dict[Status, Permission]] = {
    Cmd.ASSIGN: MAIN,
    Cmd.CLAIM: A,
    **dict.fromkeys(AUDIT_COMMANDS.values(), A),
    Cmd.RECORD_SHIPMENT: P,
    Cmd.REMIND_SHIP: P,
    Cmd.REGISTER_RECEIPT: P,
    Cmd.SET_RETURN_FREIGHT: P,
    **dict.fromkeys(PROCESS_COMMANDS.values(), P),
    Cmd.REOPEN: P,
    Cmd.REPLY: P,
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: P,
    Cmd.MARK_RESOLVED: P,
    Cmd.ABANDON: {
        Status.PENDING_CLAIM: A,
        Status.PENDING_AUDIT: A,
        Status.AWAITING_FEEDBACK: A,
        Status.AWAITING_RETURN: P,
        Status.PENDING_PROCESS: P,
    },
    Cmd.REQUEST_ARBITRATION: P,
}
CALLERS: dict[str, Actor] = {
    "main": main_account(),
    "audit": staff(A),
    "process": staff(P),
    "both": staff(A, P),
    "neither": staff(),
    "other-category": staff(A, P, categories=("shoes",)),
}
CASES = [(cmd, s, who) for (s, cmd) in TRANSITIONS for who in CALLERS]


def seller_payload(cmd: Cmd) -> c.Payload | None:
    """The valid payload of `cmd`, with the consent note a seller's abandon needs."""
    if cmd is Cmd.ABANDON:
        return c.Abandon(note="the customer agreed on the phone")
    return valid(cmd)[1]


def expected(cmd: Cmd, state: Status, who: str) -> type[Exception] | None:
    """None when the caller may issue `cmd` in `state`, else the error it gets."""
    if who == "other-category":
        return NotFound
    needs = SELLER_NEEDS.get(cmd)
    if isinstance(needs, dict):
        needs = needs[state]
    if needs is None:
        return NotPermitted
    if who == "main":
        return None
    if needs == MAIN:
        return NotPermitted
    has = {"audit": {A}, "process": {P}, "both": {A, P}, "neither": set()}[who]
    return None if needs in has else NotPermitted


@pytest.mark.parametrize(("cmd", "state", "who"), CASES, ids=[f"{c}-{s}-{w}" for c, s, w in CASES])
def test_each_seller_command_needs_its_permission(cmd: Cmd, state: Status, who: str) -> None:
    order = order_in(state)
    error = expected(cmd, state, who)
    run = lambda: execute(  # noqa: E731
        order, cmd, actor=CALLERS[who], now=NOW, payload=seller_payload(cmd)
    )
    if error is None:
        assert run().order.version == order.version + 1
    else:
        with pytest.raises(error):
            run()


def test_the_transcription_covers_every_command_a_seller_may_issue() -> None:
    """Guard against a vacuous matrix: every seller command of domain.md is in it, and runs."""
    allowed = {cmd for cmd, s, who in CASES if who == "both" and expected(cmd, s, who) is None}
    assert allowed == set(SELLER_NEEDS) - {Cmd.ASSIGN}
