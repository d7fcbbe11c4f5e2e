"""The customer's consent to abandon (客户放弃): the seller notes how it was given."""

from __future__ import annotations

from order_svc.domain.faults import RequestInvalid


def consent_note(note: str | None) -> str:
    """The note of the customer's consent to abandon; 422 when missing or blank."""
    if note is None or not note.strip():
        raise RequestInvalid("note the customer's consent to abandon (注明沟通结果)", field="note")
    return note
