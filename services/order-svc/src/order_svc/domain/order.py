"""The service order aggregate's state: plain data, changed only by `decide.execute`."""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.contracts.messages import DeadlineKind
from pydantic import BaseModel, Field

from order_svc.domain.commands import AttachmentMeta
from order_svc.domain.model import AuditResult, Outcome, Payer, Rating, Status, Tier


class Part(BaseModel):
    """Base of the order's parts (mutable copies live only inside one decision)."""


class HistoryEntry(Part):
    at: datetime
    actor_id: str
    actor_role: str
    command: str
    status_from: str | None
    status_to: str
    detail: str = ""
    request: str | None = None
    """The Idempotency-Key slot of the HTTP request that made this change, if it had one."""


class AuditRecord(Part):
    result: AuditResult
    opinion: str
    attachments: list[AttachmentMeta] = Field(default_factory=list)
    by: str
    at: datetime


class Shipment(Part):
    carrier: str
    tracking_no: str
    freight_fen: int
    by: str
    at: datetime


class Freight(Part):
    """Who pays each leg, what the customer paid, and what goes back to them."""

    return_leg_payer: Payer
    outbound_leg_payer: Payer = Payer.SELLER
    customer_paid_fen: int = 0
    return_freight_fen: int | None = None
    return_freight_borne_by: Payer | None = None
    return_freight_set: bool = False
    """The seller set it, or the receipt carried the freight (DIAMOND+: needed to process)."""
    refunded_fen: int | None = None
    """The return freight refunded to the customer when the order was processed (once)."""
    refunded_at: datetime | None = None


class Refund(Part):
    amount_fen: int
    reason: str
    remark: str
    by: str
    at: datetime


class ExchangeOrder(Part):
    id: str
    sku: str
    quantity: int
    amount_fen: int
    decided_at: datetime
    shipped_at: datetime | None = None
    tracking_no: str | None = None
    freight_fen: int | None = None
    """The outbound freight order management reported when it shipped (the seller bears it)."""


class Processing(Part):
    outcome: Outcome
    remark: str = ""
    carrier: str | None = None
    tracking_no: str | None = None
    outbound_freight_fen: int | None = None
    """RETURN_ORIGINAL, OFFLINE_EXCHANGE: the freight of shipping to the customer (the seller's)."""
    by: str
    at: datetime


class Note(Part):
    author_id: str
    author_role: str
    text: str
    photos: list[str] = Field(default_factory=list)
    at: datetime


class ArmedDeadline(Part):
    kind: DeadlineKind
    due_at: datetime
    fired: bool = False
    """Applied once; kept while its slot is still wanted so that it is not armed again."""


class DailyCount(Part):
    """How many of something happened on one local day (Asia/Shanghai)."""

    day: str
    count: int


class ArbitrationInfo(Part):
    reason: str
    requested_by: str
    requested_at: datetime
    case_id: str | None = None
    ruling: str | None = None
    ruled_at: datetime | None = None
    ruled_by: str | None = None
    note: str | None = None
    amount_fen: int | None = None
    sku: str | None = None


class ServiceOrder(Part):
    """One after-sales application (服务单) and everything that happened to it."""

    id: str
    version: int = 1
    order_no: str
    seller_id: str
    customer_id: str
    customer_phone: str
    customer_tier: Tier
    sku: str
    quantity: int
    paid_fen: int
    category: str
    reason: str
    description: str
    quality_issue: bool
    photos: list[str] = Field(default_factory=list)
    status: Status = Status.PENDING_CLAIM
    locked: bool = False
    assignee: str | None = None
    customer_responded: bool = False
    outcome: Outcome | None = None
    audit: AuditRecord | None = None
    shipment: Shipment | None = None
    receipt_note: str | None = None
    freight: Freight
    refund: Refund | None = None
    ruling_refund: Refund | None = None
    """What a REFUND ruling adds when the seller had already refunded part of the order."""
    exchanges: list[ExchangeOrder] = Field(default_factory=list)
    processing: Processing | None = None
    feedback: list[Note] = Field(default_factory=list)
    messages: list[Note] = Field(default_factory=list)
    rating: Rating | None = None
    abandon_note: str | None = None
    arbitration: ArbitrationInfo | None = None
    reminders_sent: int = 0
    audit_overdue: bool = False
    process_overdue: bool = False
    applied_at: datetime
    claimed_at: datetime | None = None
    audited_at: datetime | None = None
    shipped_at: datetime | None = None
    received_at: datetime | None = None
    processed_at: datetime | None = None
    reopened_at: datetime | None = None
    done_at: datetime | None = None
    rated_at: datetime | None = None
    deadlines: dict[str, ArmedDeadline] = Field(default_factory=dict)
    history: list[HistoryEntry] = Field(default_factory=list)
    """The latest entries only (the older ones are stored apart: `domain/tail.py`)."""
    history_start: int = 0
    """How many entries came before `history[0]`: its sequence number is this + 1."""
    messages_start: int = 0
    """How many messages came before `messages[0]` (the older ones are stored apart)."""
    customer_messages: DailyCount | None = None
    """The customer's messages of their latest day (`domain/limits.py`)."""

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in (self.refund, self.ruling_refund) if r is not None)

    def exchange(self, exchange_id: str) -> ExchangeOrder | None:
        """The exchange order with this id, if this order created it."""
        return next((x for x in self.exchanges if x.id == exchange_id), None)


def exchange_order_id(order_id: str, n: int) -> str:
    """Deterministic exchange order ids; the service order id can be read back from them."""
    return f"XO-{n}-{order_id}"


def order_id_of_exchange(exchange_id: str) -> str | None:
    """The service order that created an exchange order id, or None if malformed."""
    prefix, _, rest = exchange_id.partition("-")
    n, _, order_id = rest.partition("-")
    return order_id if prefix == "XO" and n.isdigit() and order_id else None
