"""The batch-audit rule of the domain: only REJECT or CUSTOMER_ABANDON are decided in a batch."""

from __future__ import annotations

import pytest
from aftersales_shared.errors import Invalid
from order_svc.domain.batches import BATCH_AUDIT_RESULTS, batch_audit_command, check_assignee
from order_svc.domain.consent import consent_note
from order_svc.domain.faults import RequestInvalid
from order_svc.domain.model import AuditResult, Cmd, Permission


@pytest.mark.parametrize(
    ("result", "cmd"),
    [
        (AuditResult.REJECT, Cmd.AUDIT_REJECT),
        (AuditResult.CUSTOMER_ABANDON, Cmd.AUDIT_CUSTOMER_ABANDON),
    ],
)
def test_a_batch_audit_rejects_or_records_the_abandonment(result: AuditResult, cmd: Cmd) -> None:
    assert batch_audit_command(result) is cmd


@pytest.mark.parametrize("result", sorted(set(AuditResult) - BATCH_AUDIT_RESULTS))
def test_any_other_result_is_one_order_at_a_time(result: AuditResult) -> None:
    with pytest.raises(Invalid, match="a batch audit may only CUSTOMER_ABANDON or REJECT") as e:
        batch_audit_command(result)
    assert e.value.details.get("field") == "result"
    assert result.value in e.value.message


def test_the_allowed_results_are_exactly_two() -> None:
    assert {AuditResult.REJECT, AuditResult.CUSTOMER_ABANDON} == BATCH_AUDIT_RESULTS


@pytest.mark.parametrize("note", [None, "", "   "])
def test_an_abandonment_without_its_note_is_a_fault_of_the_request(note: str | None) -> None:
    with pytest.raises(RequestInvalid) as e:
        consent_note(note)
    assert e.value.details.get("field") == "note"


def test_an_assignee_without_audit_is_a_fault_of_the_request() -> None:
    with pytest.raises(RequestInvalid):
        check_assignee("p1", {Permission.PROCESS})
    check_assignee("a1", {Permission.AUDIT})
