"""CUSTOMER_ABANDON through the audit needs the note of the customer's consent, and keeps it."""

from __future__ import annotations

import pytest
from aftersales_shared.errors import Invalid
from order_builders import NOW, main_account, order_in
from order_svc.domain import commands as c
from order_svc.domain.decide import execute
from order_svc.domain.model import AuditResult, Cmd, Status

ABANDON = AuditResult.CUSTOMER_ABANDON


@pytest.mark.parametrize("note", [None, "", " \n\t "])
def test_an_abandon_audit_without_a_consent_note_is_refused(note: str | None) -> None:
    order = order_in(Status.PENDING_AUDIT)
    payload = c.Audit(result=ABANDON, opinion="您已同意放弃", note=note)
    with pytest.raises(Invalid, match="consent") as refused:
        execute(order, Cmd.AUDIT_CUSTOMER_ABANDON, actor=main_account(), now=NOW, payload=payload)
    assert refused.value.details["field"] == "note"
    assert (order.status, order.abandon_note, len(order.history)) == (Status.PENDING_AUDIT, None, 1)


def test_the_consent_note_is_recorded_on_the_order_and_in_its_history() -> None:
    note = "called the customer at 10:05; agreed to give up"
    payload = c.Audit(result=ABANDON, note=note)
    done = execute(
        order_in(Status.PENDING_AUDIT),
        Cmd.AUDIT_CUSTOMER_ABANDON,
        actor=main_account(),
        now=NOW,
        payload=payload,
    ).order
    assert (done.status, done.abandon_note) == (Status.CANCELLED, note)
    assert note in done.history[-1].detail


def test_a_blank_note_is_no_consent_for_the_abandon_command_either() -> None:
    order = order_in(Status.PENDING_PROCESS)
    with pytest.raises(Invalid, match="consent"):
        execute(order, Cmd.ABANDON, actor=main_account(), now=NOW, payload=c.Abandon(note="   "))
