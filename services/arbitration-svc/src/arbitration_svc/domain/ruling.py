"""The ruling on a case: which outcome, the money or SKU it needs, and the note that explains it."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from aftersales_shared.errors import Invalid
from aftersales_shared.money import show_yuan
from pydantic import BaseModel, ConfigDict, field_serializer

NOTE_MAX = 2000
SKU_MAX = 64


class Outcome(StrEnum):
    REFUND = "REFUND"
    EXCHANGE = "EXCHANGE"
    RETURN_ORIGINAL = "RETURN_ORIGINAL"
    CLAIM_REJECTED = "CLAIM_REJECTED"


class Value(BaseModel):
    """Base of the domain's records: immutable once built."""

    model_config = ConfigDict(frozen=True)


class Ruling(Value):
    """A valid, final decision; build it with `decide`, never directly."""

    outcome: Outcome
    amount: Decimal | None = None
    sku: str | None = None
    note: str

    @field_serializer("amount", when_used="always")
    def _money(self, amount: Decimal | None) -> str | None:
        return None if amount is None else show_yuan(amount)


def parse_money(raw: object) -> Decimal | None:
    """A decimal amount from the evidence ("199.00"); None when absent or not a valid amount."""
    if raw is None or isinstance(raw, bool | float):
        return None
    try:
        amount = Decimal(str(raw))
    except ArithmeticError:
        return None
    if not amount.is_finite() or amount < 0 or _places(amount) > 2:
        return None
    return amount


def _places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def decide(
    *,
    outcome: Outcome,
    note: str,
    paid_amount: Decimal | None,
    refunded_amount: Decimal = Decimal(0),
    amount: Decimal | None = None,
    sku: str | None = None,
) -> Ruling:
    """Check a ruling against the order's evidence; Invalid (422) says what is wrong.

    A REFUND is what the platform refunds on top of `refunded_amount` (refunded before the
    request, e.g. by the seller before the customer came back UNRESOLVED): together they never
    exceed the paid amount.
    """
    text = note.strip()
    if not text:
        raise Invalid("a ruling needs a note that explains it", field="note")
    if len(text) > NOTE_MAX:
        raise Invalid(f"the note is longer than {NOTE_MAX} characters", field="note")
    if outcome is Outcome.EXCHANGE:
        return Ruling(outcome=outcome, amount=_same(amount, paid_amount), sku=_sku(sku), note=text)
    if sku is not None:
        raise Invalid("only an EXCHANGE ruling takes a sku", field="sku")
    if outcome is Outcome.REFUND:
        refund = _refund(amount, paid_amount, refunded_amount)
        return Ruling(outcome=outcome, amount=refund, note=text)
    if amount is not None:
        raise Invalid(f"{outcome} takes no amount", field="amount")
    return Ruling(outcome=outcome, note=text)


def _refund(amount: Decimal | None, paid: Decimal | None, refunded: Decimal) -> Decimal:
    if amount is None:
        raise Invalid("a REFUND ruling needs an amount", field="amount")
    if not amount.is_finite() or amount <= 0:
        raise Invalid("the refund amount must be greater than 0", field="amount")
    if _places(amount) > 2:
        raise Invalid("the refund amount has at most two decimal places", field="amount")
    if paid is None:
        raise Invalid("the evidence holds no paid amount; a refund cannot be checked")
    if amount + refunded > paid:
        raise Invalid(
            f"the refund {show_yuan(amount)} exceeds what is left of the paid amount: "
            f"{show_yuan(paid)} paid, {show_yuan(refunded)} refunded already",
            field="amount",
            paid_amount=show_yuan(paid),
            refundable_amount=show_yuan(max(paid - refunded, Decimal(0))),
        )
    return amount


def _same(amount: Decimal | None, paid: Decimal | None) -> Decimal | None:
    if amount is not None and (paid is None or amount != paid):
        raise Invalid("an EXCHANGE keeps the paid amount; omit amount or repeat it", field="amount")
    return paid


def _sku(sku: str | None) -> str:
    value = (sku or "").strip()
    if not value:
        raise Invalid("an EXCHANGE ruling needs the new sku", field="sku")
    if len(value) > SKU_MAX:
        raise Invalid(f"the sku is longer than {SKU_MAX} characters", field="sku")
    return value
