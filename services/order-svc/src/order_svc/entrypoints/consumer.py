"""Messages order-svc consumes: arbitration rulings and fired deadlines, as typed handlers.

The bus validates each payload before a handler runs (`aftersales_shared.messaging.Router`): one
that does not validate goes to the dead-letter queue at once, never through the retries.
"""

from __future__ import annotations

from aftersales_shared.contracts.messages import ArbitrationRuled, TimerFired
from aftersales_shared.errors import Invalid, NotFound, PermanentMessageError
from aftersales_shared.messaging import MessageMeta, Router

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.model import Cmd, Outcome
from order_svc.handlers.system import SystemService


def message_router(orders: SystemService) -> Router:
    """The typed handler of every message type order-svc subscribes to."""
    router = Router()

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
