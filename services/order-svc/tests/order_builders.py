"""Builders for domain tests: orders in any state, actors, and a valid payload per command."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import apply
from order_svc.domain.model import AuditResult, Cmd, Outcome, Permission, Rating, Status
from order_svc.domain.order import ArbitrationInfo, ExchangeOrder, ServiceOrder, exchange_order_id

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SELLER = "seller-a"
CUSTOMER = "cust-1"
CATEGORY = "phones"
AFTER_DONE = {Status.PROVISIONALLY_DONE, Status.UNRESOLVED, Status.COMPLETED}


def application(**overrides: Any) -> c.Application:
    fields: dict[str, Any] = {
        "order_no": "JD-1001",
        "seller_id": SELLER,
        "sku": "SKU-1",
        "quantity": 1,
        "paid_amount": Decimal("199.00"),
        "category": CATEGORY,
        "reason": "broken",
        "description": "screen cracked",
        "quality_issue": True,
        "customer_phone": "13800138000",
    }
    return c.Application(**(fields | overrides))


def new_order(order_id: str = "so-1", **overrides: Any) -> ServiceOrder:
    return apply(
        application(**overrides), order_id=order_id, customer=Actor.customer(CUSTOMER), now=NOW
    ).order


def order_in(status: Status, *, locked: bool = False) -> ServiceOrder:
    """An order in `status` with what that state implies (claimed, audited, received ...)."""
    o = new_order()
    o.status, o.locked, o.assignee = status, locked, "staff-1"
    if locked:
        o.arbitration = ArbitrationInfo(reason="dispute", requested_by="boss", requested_at=NOW)
    if status in AFTER_DONE:
        o.outcome = Outcome.RETURN_ORIGINAL
        o.exchanges = [
            ExchangeOrder(
                id=exchange_order_id(o.id, 1),
                sku="SKU-2",
                quantity=1,
                amount_fen=o.paid_fen,
                decided_at=NOW,
            )
        ]
    return o


def main_account() -> Actor:
    return Actor.main("boss", SELLER)


def staff(*perms: Permission, categories: tuple[str, ...] = (CATEGORY,), sid: str = "staff-1"):
    return Actor.staff(
        sid, seller_id=SELLER, permissions=frozenset(perms), categories=frozenset(categories)
    )


def valid(cmd: Cmd) -> tuple[Actor, c.Payload | None]:
    """A privileged actor and a valid payload for each command."""
    customer, seller = Actor.customer(CUSTOMER), main_account()
    table: dict[Cmd, tuple[Actor, c.Payload | None]] = {
        Cmd.ASSIGN: (
            seller,
            c.AssignTo(
                staff_id="staff-2",
                permissions=frozenset(Permission),
                categories=frozenset({CATEGORY}),
            ),
        ),
        Cmd.CLAIM: (seller, None),
        **{
            cmd: (seller, c.Audit(result=r, reship_sku="SKU-9", note="customer agreed"))
            for r, cmd in ((r, Cmd(f"AUDIT_{r.value}")) for r in AuditResult)
        },
        Cmd.FEEDBACK: (customer, c.Feedback(text="more photos")),
        Cmd.RECORD_SHIPMENT: (
            customer,
            c.ShipmentIn(carrier="SF", tracking_no="SF1", freight=Decimal("12.00")),
        ),
        Cmd.REMIND_SHIP: (seller, None),
        Cmd.REGISTER_RECEIPT: (seller, c.Receipt(note="arrived")),
        Cmd.SET_RETURN_FREIGHT: (seller, c.ReturnFreight(amount=Decimal("10.00"))),
        Cmd.PROCESS_REFUND: (
            seller,
            c.Process(outcome=Outcome.REFUND, amount=Decimal("199.00"), reason="defect"),
        ),
        Cmd.PROCESS_EXCHANGE: (seller, c.Process(outcome=Outcome.EXCHANGE, sku="SKU-3")),
        Cmd.PROCESS_RETURN_ORIGINAL: (
            seller,
            c.Process(outcome=Outcome.RETURN_ORIGINAL, remark="not eligible"),
        ),
        Cmd.PROCESS_OFFLINE_EXCHANGE: (
            seller,
            c.Process(outcome=Outcome.OFFLINE_EXCHANGE, remark="sent", tracking_no="YT1"),
        ),
        Cmd.REOPEN: (seller, None),
        Cmd.LEAVE_MESSAGE: (customer, c.Message(text="still broken")),
        Cmd.REPLY: (seller, c.Message(text="sorry")),
        Cmd.OFFLINE_EXCHANGE_UNRESOLVED: (
            seller,
            c.Resolve(offline_exchange=True, tracking_no="YT2"),
        ),
        Cmd.MARK_RESOLVED: (seller, c.Resolve()),
        Cmd.CONFIRM_RESOLVED: (customer, None),
        Cmd.ABANDON: (customer, c.Abandon()),
        Cmd.REQUEST_ARBITRATION: (seller, c.Arbitration(reason="dispute")),
        Cmd.APPLY_RULING: (
            Actor.platform("agent"),
            c.Ruling(case_id="case-1", outcome=Outcome.CLAIM_REJECTED),
        ),
        Cmd.RATE: (customer, c.Rate(rating=Rating.SATISFIED)),
        Cmd.EXCHANGE_SHIPPED: (
            Actor.platform("om"),
            c.ExchangeShippedCmd(
                exchange_order_id=exchange_order_id("so-1", 1), shipped_at=NOW, tracking_no="JD9"
            ),
        ),
    }
    table[Cmd.RETURN_WARNING] = (Actor.system(), c.Notice(seller_phone="13900000000"))
    system = Actor.system()
    return table.get(cmd, (system, None))
