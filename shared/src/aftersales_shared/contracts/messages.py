"""Payloads of the messages between services; each is registered once in `registry`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from aftersales_shared.contracts.envelope import Frozen

# The timer contracts live in `timers.py`; named here too, where every service imports them.
from aftersales_shared.contracts.timers import DeadlineKind as DeadlineKind
from aftersales_shared.contracts.timers import TimerBatch as TimerBatch
from aftersales_shared.contracts.timers import TimerCancel as TimerCancel
from aftersales_shared.contracts.timers import TimerFired as TimerFired
from aftersales_shared.contracts.timers import TimerResume as TimerResume
from aftersales_shared.contracts.timers import TimerSchedule as TimerSchedule
from aftersales_shared.contracts.timers import TimerSuspend as TimerSuspend


class ClockAdvanced(Frozen):
    """The shared virtual clock's new offset from the wall clock, in seconds."""

    offset_seconds: float = Field(ge=0)


class ClockSyncRequested(Frozen):
    """A service that just started asks the clock's owner to broadcast the current offset."""

    service: str


SMS_TEMPLATES: dict[str, tuple[str, ...]] = {
    "AUDIT_REJECTED": ("order_no", "opinion"),
    "RETURN_APPROVED": ("order_no",),
    "FEEDBACK_REQUESTED": ("order_no",),
    "SHIP_REMINDER": ("order_no",),
    "REFUND_ISSUED": ("order_no", "amount"),
    "REPLACEMENT_SHIPPED": ("order_no",),
    "AUTO_REFUNDED": ("order_no", "amount"),
    "ORDER_CLOSED": ("order_no",),
    "PRE_COMPENSATED": ("order_no", "amount"),
    "ARBITRATION_RULED": ("order_no", "outcome"),
    "SELLER_RETURN_WARNING": ("order_no", "days_left"),
}
"""Each SMS template id and the parameters it needs; sms-svc owns the texts."""


class SmsSend(Frozen):
    """Send one SMS; the same idempotency key never sends twice."""

    recipient: str = Field(min_length=1, max_length=32)
    template: str = Field(min_length=1, max_length=64)
    params: dict[str, str] = Field(default_factory=dict)
    order_id: str | None = None
    category: str | None = Field(default=None, min_length=1, max_length=100)
    """The order's category when the SMS is about one order: staff see their categories' SMS."""
    idempotency_key: str = Field(min_length=1, max_length=200)


class StaffChanged(Frozen):
    """A sub-account's rights as order-svc now holds them; `version` orders changes of a seller.

    `version` is the seller record's version after the change, so a consumer keeps the highest
    it has seen and drops an older one that arrives late. `removed` means no rights at all.
    """

    seller_id: str = Field(min_length=1, max_length=100)
    staff_id: str = Field(min_length=1, max_length=100)
    categories: list[str] = Field(default_factory=list)
    permissions: list[str] = Field(default_factory=list)
    removed: bool = False
    version: int = Field(ge=1)


MovementKind = Literal[
    "REFUND", "AUTO_REFUND", "FREIGHT_REFUND", "PRE_COMPENSATION", "OUTBOUND_FREIGHT"
]
Party = Literal["SELLER", "PLATFORM", "CUSTOMER"]
AMOUNT_TEXT = r"^(0\.(0[1-9]|[1-9][0-9])|[1-9][0-9]{0,6}\.[0-9]{2})$"
"""A positive amount of CNY with exactly two places, under ten million: "12.00"."""
_TO_CUSTOMER = frozenset({("SELLER", "CUSTOMER"), ("PLATFORM", "CUSTOMER")})
MOVEMENT_PARTIES: dict[str, frozenset[tuple[str, str]]] = {
    "REFUND": frozenset({("SELLER", "CUSTOMER")}),
    "AUTO_REFUND": frozenset({("SELLER", "CUSTOMER")}),
    "FREIGHT_REFUND": _TO_CUSTOMER,
    "PRE_COMPENSATION": _TO_CUSTOMER,
    "OUTBOUND_FREIGHT": frozenset({("SELLER", "PLATFORM")}),
}
"""The (payer, payee) pairs each kind of movement may have, as MoneyMovement's docstring says."""


class MoneyMovement(Frozen):
    """One movement of money that a transition of a service order made (domain.md "Freight").

    `id` is deterministic and unique per movement, `{order_id}:{kind}@v{order_version}` (a second
    of a kind in one transition adds `:{leg}`, or `:{n}`), so a consumer writes each one once
    however often the event is delivered. Who pays whom, per kind:

    - `REFUND`: the seller's refund to the customer (SELLER -> CUSTOMER).
    - `AUTO_REFUND`: the refund the system made when the seller did not act (SELLER -> CUSTOMER).
    - `FREIGHT_REFUND`: the confirmed return freight (待返运费) refunded to the customer when the
      order is processed: SELLER -> CUSTOMER for a quality issue, PLATFORM -> CUSTOMER for a
      DIAMOND+ customer without a quality issue (a customer who pays its own freight gets none).
    - `PRE_COMPENSATION`: the platform refunds the customer after 7 days without a decision;
      SELLER -> CUSTOMER when `charged_to_seller`, else PLATFORM -> CUSTOMER.
    - `OUTBOUND_FREIGHT`: the freight of an exchange, a reship or a return of the original to the
      customer, always borne by the seller and settled with the platform's logistics
      (SELLER -> PLATFORM).

    `FINE` is not on the wire: metrics-svc makes it from the penalty lines it computes.
    """

    id: str = Field(min_length=1, max_length=200)
    kind: MovementKind
    amount: str = Field(pattern=AMOUNT_TEXT)
    payer: Party
    payee: Party
    at: AwareDatetime
    leg: str | None = Field(default=None, max_length=50)
    """Which freight leg ("RETURN", "OUTBOUND") when the kind is a freight."""
    note: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _parties_fit_the_kind(self) -> MoneyMovement:
        if (self.payer, self.payee) not in MOVEMENT_PARTIES[self.kind]:
            raise ValueError(f"{self.kind} is not paid by {self.payer} to {self.payee}")
        return self

    def fen(self) -> int:
        """The amount in integer fen: "12.34" -> 1234."""
        whole, _, cents = self.amount.partition(".")
        return int(whole) * 100 + int(cents)


class ServiceOrderEvent(Frozen):
    """A transition of a service order, with what every consumer needs to act on it.

    Amounts are decimal strings in CNY with two places ("199.00"). `audit_result` is set on
    `serviceorder.audited`, `rating` on `serviceorder.rated`, the exchange fields on the events of
    an exchange order (created by RESHIP or EXCHANGE, shipped by order management), and
    `charged_to_seller` on `serviceorder.pre_compensated`. `locked` is the order's lock after the
    transition: on `serviceorder.received` it says the goods arrived while a case was open.
    `movements` are the money movements of this transition, each once, with a deterministic id.
    """

    order_id: str
    order_no: str
    seller_id: str
    category: str
    customer_tier: str
    status_from: str | None
    status_to: str
    command: str
    actor_id: str
    actor_role: str
    outcome: str | None = None
    paid_amount: str
    refund_amount: str | None = None
    applied_at: AwareDatetime
    claimed_at: AwareDatetime | None = None
    audited_at: AwareDatetime | None = None
    received_at: AwareDatetime | None = None
    processed_at: AwareDatetime | None = None
    order_version: int
    audit_result: str | None = None
    rating: str | None = None
    exchange_order_id: str | None = None
    exchange_decided_at: AwareDatetime | None = None
    exchange_shipped_at: AwareDatetime | None = None
    charged_to_seller: str | None = None
    locked: bool = False
    movements: tuple[MoneyMovement, ...] = ()
    """The money movements this transition made (order-svc decides them; see MoneyMovement)."""
    data: dict[str, Any] = Field(default_factory=dict)


class ArbitrationRequested(Frozen):
    order_id: str
    seller_id: str
    reason: str
    requested_by: str
    snapshot: dict[str, Any]


class ArbitrationRuled(Frozen):
    case_id: str
    order_id: str
    outcome: Literal["REFUND", "EXCHANGE", "RETURN_ORIGINAL", "CLAIM_REJECTED"]
    amount: str | None = None
    sku: str | None = None
    note: str
    ruled_by: str


class WeekClosed(Frozen):
    """metrics-svc froze a quality week (Asia/Shanghai, e.g. 2026-W48): its ranking is final."""

    week: str
    closed_at: AwareDatetime
    sellers_ranked: int = Field(ge=0)
    bottom10: list[str] = Field(default_factory=list)
    escalated: list[str] = Field(default_factory=list)


class SellerEscalated(Frozen):
    """A seller was in the Bottom-10 `streak` (>= 3) weeks in a row, up to `week`: QC decides."""

    seller_id: str
    week: str
    streak: int = Field(ge=1)
    score: str | None = None
