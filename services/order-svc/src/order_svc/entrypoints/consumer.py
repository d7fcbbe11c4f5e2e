"""Messages order-svc consumes: arbitration rulings and fired deadlines."""

from __future__ import annotations

from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import ArbitrationRuled, TimerFired
from aftersales_shared.errors import ConcurrencyConflict, Invalid, NotFound, PermanentMessageError
from aftersales_shared.messaging import Handler, dispatcher

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.model import Cmd, Outcome
from order_svc.system_handlers import SystemService


def message_handler(orders: SystemService) -> Handler:
    """The dispatcher of every message type order-svc subscribes to."""

    async def on_ruled(message: Envelope) -> None:
        ruled = ArbitrationRuled.model_validate(message.payload)
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
                correlation_id=message.correlation_id,
            )
        except ConcurrencyConflict:
            raise
        except (NotFound, Invalid) as exc:
            raise PermanentMessageError(exc.message) from exc

    async def on_fired(message: Envelope) -> None:
        fired = TimerFired.model_validate(message.payload)
        try:
            await orders.on_deadline(fired, correlation_id=message.correlation_id)
        except NotFound as exc:
            raise PermanentMessageError(exc.message) from exc

    return dispatcher({"arbitration.ruled": on_ruled, "timer.fired": on_fired})
