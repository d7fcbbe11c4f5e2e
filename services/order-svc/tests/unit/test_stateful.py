"""Random command sequences by random actors keep the invariants of the service order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from aftersales_shared.errors import AppError
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from order_builders import NOW, application, valid
from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.deadlines import slot_of, wanted
from order_svc.domain.decide import apply, execute, visible_to
from order_svc.domain.model import FINAL, Cmd, Outcome, Permission, Status
from order_svc.domain.order import ServiceOrder, exchange_order_id
from order_svc.domain.table import TRANSITIONS
from order_svc.handlers.wire import messages

ACTORS = [
    Actor.customer("cust-1"),
    Actor.customer("cust-2"),
    Actor.main("boss-a", "seller-a"),
    Actor.main("boss-b", "seller-b"),
    Actor.staff(
        "sa1",
        seller_id="seller-a",
        permissions=frozenset(Permission),
        categories=frozenset({"phones"}),
    ),
    Actor.staff(
        "sa2",
        seller_id="seller-a",
        permissions=frozenset({Permission.PROCESS}),
        categories=frozenset({"shoes"}),
    ),
    Actor.platform("agent"),
    Actor.system(),
]
FORWARD = {
    Status.PENDING_CLAIM: (Cmd.CLAIM,),
    Status.PENDING_AUDIT: (Cmd.AUDIT_APPROVE_RETURN, Cmd.AUDIT_REQUEST_FEEDBACK, Cmd.AUDIT_REJECT),
    Status.AWAITING_FEEDBACK: (Cmd.FEEDBACK, Cmd.FEEDBACK_TIMEOUT),
    Status.AWAITING_RETURN: (Cmd.REGISTER_RECEIPT,),
    Status.PENDING_PROCESS: (Cmd.PROCESS_REFUND, Cmd.PROCESS_RETURN_ORIGINAL),
    Status.PROVISIONALLY_DONE: (Cmd.LEAVE_MESSAGE, Cmd.REOPEN),
}
amounts = st.decimals(min_value=0, max_value=400, places=2)
paid_amounts = st.decimals(min_value=Decimal("0.01"), max_value=400, places=2)


@st.composite
def payloads(draw: st.DrawFn, cmd: Cmd, order: ServiceOrder) -> c.Payload | None:
    _, base = valid(cmd)
    paid = Decimal(order.paid_fen) / 100
    near = st.sampled_from([paid, paid + Decimal("0.01"), paid / 2, Decimal("0.00")])
    amount = draw(st.one_of(near, amounts).map(lambda d: d.quantize(Decimal("0.01"))))
    if cmd is Cmd.PROCESS_REFUND:
        return c.Process(
            outcome=Outcome.REFUND,
            amount=amount,
            reason="r",
            remark=draw(st.sampled_from([None, "agreed"])),
        )
    if cmd is Cmd.APPLY_RULING:
        outcome = draw(st.sampled_from([Outcome.REFUND, Outcome.EXCHANGE, Outcome.CLAIM_REJECTED]))
        return c.Ruling(case_id="k", outcome=outcome, amount=amount, sku="S")
    if cmd is Cmd.ASSIGN:
        return c.AssignTo(
            staff_id="sa1",
            permissions=frozenset(Permission),
            categories=frozenset({draw(st.sampled_from(["phones", "shoes"]))}),
        )
    if isinstance(base, c.ExchangeShippedCmd):
        return base.model_copy(update={"exchange_order_id": exchange_order_id(order.id, 1)})
    return base


def party(actor: Actor, order: ServiceOrder) -> Actor:
    """The order's own customer or main account, for the kind of actor a command needs."""
    if actor.kind == "customer":
        return Actor.customer(order.customer_id)
    if actor.kind == "seller":
        return Actor.main("boss", order.seller_id)
    return actor


def seller_turn(order: ServiceOrder) -> bool:
    """The next step is the seller's: claim, audit, register the receipt, or process."""
    waiting = (Status.PENDING_CLAIM, Status.PENDING_AUDIT, Status.PENDING_PROCESS)
    returned = order.status is Status.AWAITING_RETURN and order.shipment is not None
    return order.status in waiting or returned


class Lifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.orders: list[ServiceOrder] = []
        self.steps = 0

    @rule(
        customer=st.sampled_from(["cust-1", "cust-2"]),
        seller=st.sampled_from(["seller-a", "seller-b"]),
        category=st.sampled_from(["phones", "shoes"]),
        paid=paid_amounts,
    )
    def apply_for(self, customer: str, seller: str, category: str, paid: Decimal) -> None:
        payload = application(seller_id=seller, category=category, paid_amount=paid)
        decision = apply(
            payload, order_id=f"so-{len(self.orders)}", customer=Actor.customer(customer), now=NOW
        )
        self.orders.append(decision.order)

    @rule(data=st.data(), cmd=st.sampled_from(list(Cmd)), any_actor=st.booleans())
    def command(self, data: st.DataObject, cmd: Cmd, any_actor: bool) -> None:
        """Any command by anyone (mostly refused)."""
        if self.orders:
            i = data.draw(st.integers(0, len(self.orders) - 1))
            old = self.orders[i]
            actor = data.draw(st.sampled_from(ACTORS)) if any_actor else party(valid(cmd)[0], old)
            self.attempt(data, i, cmd, actor)

    @rule(data=st.data(), steps=st.integers(1, 10))
    def advance(self, data: st.DataObject, steps: int) -> None:
        """Commands the table allows now, by the order's own party (drives deep lifecycles)."""
        if not self.orders:
            return
        i = data.draw(st.integers(0, len(self.orders) - 1))
        for _ in range(steps):
            old = self.orders[i]
            allowed = [c for (s, c) in TRANSITIONS if s is old.status]
            if not allowed:
                return
            allowed += [*FORWARD.get(old.status, ())] * len(allowed)
            cmd = data.draw(st.sampled_from(allowed))
            self.attempt(data, i, cmd, party(valid(cmd)[0], old))

    def attempt(self, data: st.DataObject, i: int, cmd: Cmd, actor: Actor) -> None:
        old = self.orders[i]
        snapshot = old.model_copy(deep=True)
        payload = data.draw(payloads(cmd, old))
        self.steps += 1
        try:
            decision = execute(
                old, cmd, actor=actor, now=NOW + timedelta(minutes=self.steps), payload=payload
            )
        except AppError:
            assert old == snapshot, "a refused command changes nothing"
            return
        new = decision.order
        assert visible_to(old, actor), "tenancy is never crossed"
        if old.status in FINAL:
            assert new.status is old.status, "a final state never changes"
        if old.refund is not None:
            assert new.refund == old.refund, "a refund is issued once and never undone"
        assert new.history[: len(old.history)] == old.history, "history is never rewritten"
        assert len(new.history) == len(old.history) + 1
        assert new.history[-1].command == cmd.value
        assert new.version == old.version + 1
        for m in messages(decision):
            if m.type.startswith("serviceorder."):
                assert m.payload.order_version == new.version  # type: ignore[attr-defined]
        if not new.locked:
            slots = {slot_of(d) for d in new.deadlines}
            assert slots == set(wanted(new)), "armed deadlines follow the state"
            assert len(slots) == len(new.deadlines), "one deadline per slot"
            # After every step, not only between rules: `advance` takes several in one rule.
            if seller_turn(new):
                assert new.deadlines, f"{new.status} waits on the seller, nothing armed"
        self.orders[i] = new
        REACHED.add(new.status)

    @invariant()
    def refunds_within_paid(self) -> None:
        for order in self.orders:
            assert 0 <= order.refunded_fen <= order.paid_fen


REACHED: set[Status] = set()
TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None, derandomize=True, database=None
)


def test_the_machine_reaches_every_state() -> None:
    """Guard against a vacuous property test (runs after the machine in this module)."""
    assert set(Status) - REACHED == set()
