"""One order of a batch (assign, batch audit): decided and written on its own, so that a refused
order is reported with its reason and does not hold back the others (the seller asked for each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aftersales_shared.errors import AppError, Unavailable

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.model import Cmd
from order_svc.domain.order import ServiceOrder
from order_svc.handlers.replay import applied, stamped
from order_svc.handlers.wire import envelopes

if TYPE_CHECKING:
    from order_svc.handlers.orders import OrderService

Pick = Callable[[Actor], tuple[Cmd, c.Payload | None]]
"""The command and payload a batch issues to each order, for the caller."""

# Refusals that belong to one order; anything else (the store not answering, an internal error)
# fails the whole request, whose retry with the same key finds the orders already written.
_PER_ORDER = frozenset(
    {
        "not_found",
        "forbidden",
        "conflict",
        "invalid_transition",
        "locked",
        "concurrent_modification",
        "invalid",
        "too_many_requests",
    }
)


def done(order: ServiceOrder) -> dict[str, Any]:
    return {"id": order.id, "ok": True, "status": order.status.value}


async def one_of_batch(
    service: OrderService,
    actor: Actor,
    order_id: str,
    pick: Pick,
    correlation_id: str | None,
    request: str | None,
) -> dict[str, Any]:
    """`{id, ok: true, status}` when done (or done by an earlier attempt of the same request),
    `{id, ok: false, error, message}` when this order was refused; it was not changed then."""
    try:
        order, current = await service.load(order_id, actor)
        if await applied(service.orders, order, request):
            return done(order)
        cmd, payload = pick(actor)
        decision = stamped(
            service.decide(order, cmd, actor, payload), since=len(order.history), request=request
        )
        await service.orders.save(
            current, decision.order, envelopes(decision, correlation_id=correlation_id)
        )
        return done(decision.order)
    except AppError as exc:
        if isinstance(exc, Unavailable) or exc.code not in _PER_ORDER:
            raise
        return {"id": order_id, "ok": False, "error": exc.code, "message": exc.message}
