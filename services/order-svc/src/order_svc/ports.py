"""What the handlers need from the outside, as protocols (MongoDB implements them in adapters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from aftersales_shared.contracts import Envelope
from aftersales_shared.persistence import Versioned

from order_svc.domain.order import ServiceOrder
from order_svc.domain.seller import Seller


@dataclass(frozen=True)
class OrderQuery:
    """Filters of the order list; None means 'any'."""

    seller_id: str | None = None
    customer_id: str | None = None
    categories: frozenset[str] | None = None
    status: str | None = None
    assignee: str | None = None
    customer_responded: bool | None = None
    order_no: str | None = None
    customer_phone: str | None = None
    tracking_no: str | None = None
    shipped: bool | None = None
    """In AWAITING_RETURN: whether the customer's return shipment is recorded."""
    locked: bool | None = None
    due_before_ms: int | None = None
    """Some deadline falls due at or before this instant (epoch ms)."""
    sort: Literal["created", "due"] = "created"
    after: tuple[int, str] | None = None
    """`sort=due`'s cursor: the (next_due_ms, id) of the last row of the page before."""
    offset: int = 0
    limit: int = 20


class Orders(Protocol):
    async def get(self, order_id: str) -> tuple[ServiceOrder, Versioned] | None: ...

    async def get_for_update(self, order_id: str) -> tuple[ServiceOrder, Versioned] | None: ...

    async def add(self, order: ServiceOrder, messages: Sequence[Envelope]) -> None:
        """Conflict when the id, or the open application's order line, is taken."""

    async def holding(self, line: str) -> tuple[str, str] | None:
        """The open application on an order line: (its id, its customer), if any."""

    async def save(
        self, current: Versioned, order: ServiceOrder, messages: Sequence[Envelope]
    ) -> None: ...

    async def find(self, query: OrderQuery) -> list[dict[str, Any]]: ...

    async def counts(self, query: OrderQuery, *, due_before_ms: int) -> dict[str, Any]:
        """Per state the orders of the query's scope (seller, categories, customer), and the
        badges: customer_responded, shipped, locked, due (next_due at or before the instant)."""


class Sellers(Protocol):
    async def get(self, seller_id: str) -> tuple[Seller, Versioned] | None: ...

    async def registered(self, seller_id: str) -> bool: ...

    async def add(self, seller: Seller) -> None: ...

    async def save(
        self, current: Versioned, seller: Seller, *, messages: Sequence[Envelope] = ()
    ) -> None:
        """Compare-and-set; `messages` are stored in the same write (the relay sends them)."""


class Attachments(Protocol):
    async def put(
        self, *, attachment_id: str, order_id: str, meta: dict[str, Any], data: bytes
    ) -> None: ...

    async def get(self, attachment_id: str) -> dict[str, Any] | None: ...

    async def delete(self, attachment_ids: Sequence[str]) -> None: ...
