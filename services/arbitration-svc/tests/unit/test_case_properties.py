"""Stateful property test: whatever agents do, in any order, the case keeps its invariants."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from aftersales_shared.errors import AppError
from arbitration_svc.domain.case import Case, Status, add_note, rule, take
from arbitration_svc.domain.ruling import Outcome
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant
from hypothesis.stateful import rule as step

from .factories import T0, new_case

AGENTS = st.sampled_from(["agent-1", "agent-2", "agent-3"])
AMOUNTS = st.decimals(min_value=Decimal("-1"), max_value=Decimal("250"), places=2)


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case: Case = new_case(paid="199.00")
        self.minutes = 0
        self.rulings_seen = 0
        self.first_ruling: object = None

    def _at(self):  # type: ignore[no-untyped-def]
        self.minutes += 1
        return T0 + timedelta(minutes=self.minutes)

    def _try(self, command) -> None:  # type: ignore[no-untyped-def]
        before = self.case
        try:
            self.case = command()
        except AppError:
            assert self.case == before
            return
        if self.case.ruling is not None and before.ruling is None:
            self.rulings_seen += 1
            self.first_ruling = self.case.ruling

    @step(agent=AGENTS, take_over=st.booleans())
    def take_it(self, agent: str, take_over: bool) -> None:
        self._try(lambda: take(self.case, agent=agent, at=self._at(), take_over=take_over))

    @step(agent=AGENTS, text=st.text(max_size=5))
    def note(self, agent: str, text: str) -> None:
        self._try(lambda: add_note(self.case, author=agent, text=text, at=self._at(), note_id="n"))

    @step(agent=AGENTS, outcome=st.sampled_from(list(Outcome)), amount=st.none() | AMOUNTS)
    def decide(self, agent: str, outcome: Outcome, amount: Decimal | None) -> None:
        sku = "SKU-2" if outcome is Outcome.EXCHANGE else None
        self._try(
            lambda: rule(
                self.case,
                agent=agent,
                at=self._at(),
                outcome=outcome,
                note="n",
                amount=amount,
                sku=sku,
            )
        )

    @invariant()
    def at_most_one_ruling_and_it_never_changes(self) -> None:
        assert self.rulings_seen <= 1
        if self.rulings_seen:
            assert self.case.status is Status.RULED
            assert self.case.ruling == self.first_ruling

    @invariant()
    def a_refund_never_exceeds_the_paid_amount(self) -> None:
        ruling = self.case.ruling
        if ruling is not None and ruling.outcome is Outcome.REFUND:
            assert ruling.amount is not None
            assert Decimal(0) < ruling.amount <= Decimal("199.00")

    @invariant()
    def the_reviewer_is_known_once_taken(self) -> None:
        assert (self.case.taken_by is None) == (self.case.status is Status.OPEN)
        if self.case.status is Status.RULED:
            assert self.case.ruled_by == self.case.taken_by


TestCaseMachine = CaseMachine.TestCase
