"""The orders of a batch (assign, batch audit): all decided first, then each written on its own,
so that a refused order is reported with its reason and does not hold back the others (the
seller asked for each), and a fault of the request writes none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aftersales_shared.errors import AppError, Unavailable

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.decide import Decision
from order_svc.domain.faults import RequestInvalid
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


def refused(order_id: str, exc: AppError) -> dict[str, Any]:
    if isinstance(exc, Unavailable | RequestInvalid) or exc.code not in _PER_ORDER:
        raise exc
    return {"id": order_id, "ok": False, "error": exc.code, "message": exc.message}


Step = dict[str, Any] | tuple[Any, Decision]
"""An order's outcome already known (done before, or refused), or what to write."""


async def decide_one(
    service: OrderService, actor: Actor, order_id: str, pick: Pick, request: str | None
) -> Step:
    """The order loaded and decided, nothing written; its refusal reported, a fault of the
    request (`RequestInvalid`, the same for every order) raised."""
    try:
        order, current = await service.load(order_id, actor)
        if await applied(service.orders, order, request):
            return done(order)
        cmd, payload = pick(actor)
        decision = service.decide(order, cmd, actor, payload)
        return current, stamped(decision, since=len(order.history), request=request)
    except AppError as exc:
        return refused(order_id, exc)


async def write_one(
    service: OrderService, step: Step, correlation_id: str | None
) -> dict[str, Any]:
    """`{id, ok: true, status}` when written (or done by an earlier attempt of the same request),
    `{id, ok: false, error, message}` when refused; the order was not changed then."""
    if isinstance(step, dict):
        return step
    current, decision = step
    try:
        await service.orders.save(
            current, decision.order, envelopes(decision, correlation_id=correlation_id)
        )
    except AppError as exc:
        return refused(decision.order.id, exc)
    return done(decision.order)
