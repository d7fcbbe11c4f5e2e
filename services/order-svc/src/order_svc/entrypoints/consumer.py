"""Messages order-svc consumes: arbitration rulings, fired deadlines and the order system's
`order.placed`, as typed handlers.

The bus validates each payload before a handler runs (`aftersales_shared.messaging.Router`): one
that does not validate goes to the dead-letter queue at once, never through the retries.
"""

from __future__ import annotations

from aftersales_shared.contracts.messages import ArbitrationRuled, TimerFired
from aftersales_shared.contracts.orders import OrderPlaced
from aftersales_shared.errors import Conflict, Invalid, NotFound, PermanentMessageError
from aftersales_shared.messaging import MessageMeta, Router

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.model import Cmd, Outcome
from order_svc.domain.order_facts import PlaceOrder
from order_svc.handlers.order_facts import OrderFactsService
from order_svc.handlers.system import SystemService


def message_router(orders: SystemService, facts: OrderFactsService | None = None) -> Router:
    """The typed handler of every message type order-svc subscribes to (without `facts`, an
    `order.placed` has no handler: dead-lettered)."""
    router = Router()
    if facts is not None:
        _order_placed(router, facts)

    @router.on("arbitration.ruled")
    async def on_ruled(ruled: ArbitrationRuled, meta: MessageMeta) -> None:
        payload = c.Ruling(
            case_id=ruled.case_id,
            outcome=Outcome(ruled.outcome),
            amount=ruled.amount,
            sku=ruled.sku,
            note=ruled.note,
        )
        try:
            await orders.system_command(
                ruled.order_id,
                Cmd.APPLY_RULING,
                payload,
                actor=Actor.platform(ruled.ruled_by),
                correlation_id=meta.correlation_id,
            )
        except (NotFound, Invalid) as exc:
            raise PermanentMessageError(exc.message) from exc

    @router.on("timer.fired")
    async def on_fired(fired: TimerFired, meta: MessageMeta) -> None:
        try:
            await orders.on_deadline(fired, correlation_id=meta.correlation_id)
        except NotFound as exc:
            raise PermanentMessageError(exc.message) from exc

    return router


def _order_placed(router: Router, facts: OrderFactsService) -> None:
    @router.on("order.placed")
    async def on_placed(placed: OrderPlaced, meta: MessageMeta) -> None:
        """Stored once; the same facts again change nothing; other facts are dead-lettered."""
        try:
            await facts.place(PlaceOrder.model_validate(placed.model_dump()))
        except (Conflict, ValueError) as exc:
            raise PermanentMessageError(str(exc)) from exc
