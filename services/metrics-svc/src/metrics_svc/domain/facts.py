"""What an order event says about the indicators and penalties: facts, each counted once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from metrics_svc.domain.weeks import week_of

WITHIN_12H = timedelta(hours=12)
WITHIN_18H = timedelta(hours=18)
AUDIT_OVERDUE_AFTER = timedelta(hours=12)
PROCESS_OVERDUE_AFTER = timedelta(hours=48)
SATISFIED = frozenset({"VERY_SATISFIED", "SATISFIED"})


class FactKind(StrEnum):
    RATING = "rating"
    AUDIT = "audit"
    RECEIPT = "receipt"
    PROCESS = "process"
    EXCHANGE = "exchange"
    EXCHANGE_SHIPPED = "exchange_shipped"
    AUDIT_OVERDUE = "audit_overdue"
    PROCESS_OVERDUE = "process_overdue"
    PRE_COMPENSATION = "pre_compensation"


PENALTY_KINDS = frozenset(
    {FactKind.AUDIT_OVERDUE, FactKind.PROCESS_OVERDUE, FactKind.PRE_COMPENSATION}
)


SHARED_KINDS = frozenset({FactKind.RECEIPT, FactKind.EXCHANGE})
"""Facts that several events carry (`received` and `processed` both say the order was received;
`audited`, `processed` and `exchange_shipped` all name the exchange order): after the first, a
fact of these kinds is usually a duplicate."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One countable thing; `key` makes it count once however often its event arrives."""

    kind: FactKind
    subject: str
    seller_id: str
    week: str
    ok: bool = True
    order_id: str = ""
    amount_fen: int = 0

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


COUNTER_OF: dict[FactKind, tuple[str, str | None]] = {
    FactKind.RATING: ("sat_d", "sat_n"),
    FactKind.AUDIT: ("aud_d", "aud_n"),
    FactKind.RECEIPT: ("proc_d", None),
    FactKind.PROCESS: ("", "proc_n"),
    FactKind.EXCHANGE: ("exch_d", None),
    FactKind.EXCHANGE_SHIPPED: ("", "exch_n"),
    FactKind.AUDIT_OVERDUE: ("audit_overdue", None),
    FactKind.PROCESS_OVERDUE: ("process_overdue", None),
    FactKind.PRE_COMPENSATION: ("precomp_count", None),
}
"""Per kind: the counter every fact adds one to, and the one an `ok` fact also adds one to."""


def deltas(fact: Fact) -> dict[str, int]:
    """The counter increments of one new fact."""
    always, when_ok = COUNTER_OF[fact.kind]
    out: dict[str, int] = {}
    if always:
        out[always] = 1
    if when_ok and fact.ok:
        out[when_ok] = 1
    if fact.kind is FactKind.PRE_COMPENSATION:
        out["precomp_fen"] = fact.amount_fen
    return out


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """What metrics-svc reads of an order's transition (`handlers.wire` maps the wire event)."""

    kind: str
    """The transition: `audited`, `received`, `processed`, `locked`, `rated`..."""
    seller_id: str
    order_id: str
    occurred_at: datetime
    applied_at: datetime
    status_from: str | None = None
    audited_at: datetime | None = None
    received_at: datetime | None = None
    processed_at: datetime | None = None
    locked: bool = False
    rating: str | None = None
    exchange_order_id: str | None = None
    exchange_decided_at: datetime | None = None
    exchange_shipped_at: datetime | None = None
    charged_to_seller_fen: int = 0


KINDS_WITH_FACTS = frozenset(
    {"audited", "received", "processed", "locked", "rated", "exchange_shipped"}
    | {"audit_overdue", "process_overdue", "pre_compensated"}
)
"""The only transitions `facts_of` finds facts in (the others are not looked at)."""


def facts_of(event: OrderEvent) -> list[Fact]:
    """The facts an order event carries (none for events the indicators do not use)."""
    kind, seller, order, occurred_at = (
        event.kind,
        event.seller_id,
        event.order_id,
        event.occurred_at,
    )
    out: list[Fact] = []

    def add(kind: FactKind, when: datetime, *, ok: bool = True, subject: str = order) -> None:
        out.append(Fact(kind, subject, seller, week_of(when), ok, order))

    if kind == "audited" and event.audited_at is not None:
        add(FactKind.AUDIT, event.audited_at, ok=event.audited_at - event.applied_at <= WITHIN_12H)
    if kind in ("received", "processed") and event.received_at is not None:
        if not (kind == "received" and event.locked):  # the seller may not process it: not counted
            add(FactKind.RECEIPT, event.received_at)
        if kind == "processed" and event.processed_at is not None:
            ok = event.processed_at - event.received_at <= WITHIN_12H
            add(FactKind.PROCESS, event.received_at, ok=ok)
    if kind == "locked" and event.status_from == "PENDING_PROCESS" and event.received_at:
        # A request for arbitration is the seller's processing decision.
        add(FactKind.RECEIPT, event.received_at)
        add(FactKind.PROCESS, event.received_at, ok=occurred_at - event.received_at <= WITHIN_12H)
    if kind == "rated" and event.rating:
        add(FactKind.RATING, occurred_at, ok=event.rating in SATISFIED)
    if event.exchange_order_id and event.exchange_decided_at is not None:
        decided, exchange = event.exchange_decided_at, event.exchange_order_id
        if kind in ("processed", "audited", "exchange_shipped"):
            add(FactKind.EXCHANGE, decided, subject=exchange)
        if kind == "exchange_shipped" and event.exchange_shipped_at is not None:
            ok = event.exchange_shipped_at - decided <= WITHIN_18H
            add(FactKind.EXCHANGE_SHIPPED, decided, ok=ok, subject=exchange)
    if kind == "audit_overdue":
        add(FactKind.AUDIT_OVERDUE, event.applied_at + AUDIT_OVERDUE_AFTER)
    if kind == "process_overdue" and event.received_at is not None:
        add(FactKind.PROCESS_OVERDUE, event.received_at + PROCESS_OVERDUE_AFTER)
    if kind == "pre_compensated":
        fen = event.charged_to_seller_fen
        out.append(
            Fact(FactKind.PRE_COMPENSATION, order, seller, week_of(occurred_at), True, order, fen)
        )
    return out
