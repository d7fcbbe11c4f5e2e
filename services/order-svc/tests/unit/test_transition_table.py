"""Every state x every command: allowed (to the table's next state) or a clear error."""

from __future__ import annotations

import pytest
from aftersales_shared.errors import InvalidTransition, Locked, NotFound, NotPermitted
from order_builders import CUSTOMER, NOW, SELLER, order_in, staff, valid
from order_svc.domain.actors import Actor
from order_svc.domain.decide import execute
from order_svc.domain.model import FINAL, ActorKind, Cmd, Permission, Status
from order_svc.domain.table import EVENT_OF, TRANSITIONS, WHO
from order_svc.handlers.wire import messages

CASES = [(s, c) for s in Status for c in Cmd]


@pytest.mark.parametrize(("status", "cmd"), CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_every_state_and_command(status: Status, cmd: Cmd) -> None:
    actor, payload = valid(cmd)
    order = order_in(status, locked=cmd is Cmd.APPLY_RULING)
    expected = TRANSITIONS.get((status, cmd))
    if expected is None:
        with pytest.raises(InvalidTransition, match="not allowed in"):
            execute(order, cmd, actor=actor, now=NOW, payload=payload)
        return
    decision = execute(order, cmd, actor=actor, now=NOW, payload=payload)
    assert decision.order.status is expected
    assert decision.order.version == order.version + 1
    assert decision.order.history[-1].command == cmd.value
    event = EVENT_OF[cmd]
    if event is not None:
        assert messages(decision)[0].type == f"serviceorder.{event}"
    assert order.status is status, "the input order is never modified"


def test_final_states_accept_no_state_change() -> None:
    for (state, _cmd), nxt in TRANSITIONS.items():
        if state in FINAL:
            assert nxt is state


@pytest.mark.parametrize("cmd", list(Cmd))
def test_other_tenants_get_not_found(cmd: Cmd) -> None:
    _, payload = valid(cmd)
    state = next(s for (s, c) in TRANSITIONS if c is cmd)
    for stranger in (
        Actor.customer("someone-else"),
        Actor.main("boss-b", "seller-b"),
        staff(*Permission, categories=("shoes",)),
    ):
        with pytest.raises(NotFound):
            execute(order_in(state), cmd, actor=stranger, now=NOW, payload=payload)


@pytest.mark.parametrize("cmd", list(Cmd))
def test_wrong_roles_are_not_permitted(cmd: Cmd) -> None:
    _, payload = valid(cmd)
    state = next(s for (s, c) in TRANSITIONS if c is cmd)
    everyone = {
        ActorKind.CUSTOMER: Actor.customer(CUSTOMER),
        ActorKind.SELLER: Actor.main("boss", SELLER),
        ActorKind.PLATFORM: Actor.platform("agent"),
        ActorKind.SYSTEM: Actor.system(),
    }
    for kind, actor in everyone.items():
        if kind not in WHO[cmd].kinds:
            with pytest.raises(NotPermitted):
                execute(order_in(state), cmd, actor=actor, now=NOW, payload=payload)


@pytest.mark.parametrize("cmd", [c for c in Cmd if WHO[c].permission is not None])
def test_staff_needs_the_permission(cmd: Cmd) -> None:
    _, payload = valid(cmd)
    state = next(s for (s, c) in TRANSITIONS if c is cmd)
    other = next(p for p in Permission if p is not WHO[cmd].permission)
    with pytest.raises(NotPermitted, match="permission"):
        execute(order_in(state), cmd, actor=staff(other), now=NOW, payload=payload)
    with_perm = staff(*Permission)
    if ActorKind.SELLER in WHO[cmd].kinds:
        execute(order_in(state), cmd, actor=with_perm, now=NOW, payload=payload)


@pytest.mark.parametrize("cmd", [c for c in Cmd if not WHO[c].while_locked])
def test_locked_orders_refuse_everything_but_receipt_and_ruling(cmd: Cmd) -> None:
    actor, payload = valid(cmd)
    state = next(s for (s, c) in TRANSITIONS if c is cmd)
    with pytest.raises(Locked):
        execute(order_in(state, locked=True), cmd, actor=actor, now=NOW, payload=payload)


def test_receipt_is_allowed_while_locked() -> None:
    actor, payload = valid(Cmd.REGISTER_RECEIPT)
    order = order_in(Status.AWAITING_RETURN, locked=True)
    decision = execute(order, Cmd.REGISTER_RECEIPT, actor=actor, now=NOW, payload=payload)
    assert decision.order.status is Status.PENDING_PROCESS
    assert decision.order.locked


def test_ruling_needs_an_open_case() -> None:
    actor, payload = valid(Cmd.APPLY_RULING)
    with pytest.raises(InvalidTransition, match="no arbitration case"):
        execute(
            order_in(Status.UNRESOLVED), Cmd.APPLY_RULING, actor=actor, now=NOW, payload=payload
        )


def test_only_the_claimer_or_main_account_audits() -> None:
    _, payload = valid(Cmd.AUDIT_REJECT)
    order = order_in(Status.PENDING_AUDIT)
    with pytest.raises(NotPermitted, match="claimed"):
        execute(
            order,
            Cmd.AUDIT_REJECT,
            actor=staff(Permission.AUDIT, sid="staff-9"),
            now=NOW,
            payload=payload,
        )
    execute(order, Cmd.AUDIT_REJECT, actor=staff(Permission.AUDIT), now=NOW, payload=payload)
