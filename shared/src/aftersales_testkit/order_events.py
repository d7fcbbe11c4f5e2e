"""Order events as order-svc publishes them (`serviceorder.*`): for tests, benchmarks, demos."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import MoneyMovement, ServiceOrderEvent


def order_event(
    kind: str,
    *,
    seller_id: str,
    order_id: str,
    applied_at: datetime,
    occurred_at: datetime | None = None,
    message_id: str | None = None,
    **fields: Any,
) -> Envelope:
    """A `serviceorder.<kind>` envelope; `fields` fill ServiceOrderEvent (audited_at, rating...)."""
    fields.setdefault("order_version", 1)
    payload = ServiceOrderEvent(
        order_id=order_id,
        order_no=f"N-{order_id}",
        seller_id=seller_id,
        category="phone",
        customer_tier="GOLD",
        status_from=None,
        status_to="X",
        command=kind,
        actor_id="sample",
        actor_role="seller_staff",
        paid_amount="100.00",
        applied_at=applied_at,
        **fields,
    )
    return envelope(
        type=f"serviceorder.{kind}",
        payload=payload,
        occurred_at=occurred_at or applied_at,
        seller_id=seller_id,
        id=message_id,
    )


PAYEE = {"OUTBOUND_FREIGHT": "PLATFORM"}


def money_movement(
    order_id: str,
    kind: str,
    amount: str,
    *,
    at: datetime,
    version: int = 1,
    payer: str = "SELLER",
    leg: str | None = None,
) -> MoneyMovement:
    """A movement as order-svc puts it on an event: id `{order}:{kind}@v{version}`, and the
    payee of its kind (the customer, or the platform for an outbound freight)."""
    return MoneyMovement.model_validate(
        {
            "id": f"{order_id}:{kind}@v{version}" + (f":{leg}" if leg else ""),
            "kind": kind,
            "amount": amount,
            "payer": payer,
            "payee": PAYEE.get(kind, "CUSTOMER"),
            "at": at,
            "leg": leg,
        }
    )
