"""Use cases other services trigger over the bus: rulings and fired deadlines."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts.messages import TimerFired
from aftersales_shared.errors import AppError, InvalidTransition, NotFound

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.deadlines import DEADLINE_COMMANDS, is_armed, mark_fired
from order_svc.domain.decide import execute
from order_svc.domain.firings import refused
from order_svc.domain.model import Cmd
from order_svc.domain.order import ServiceOrder
from order_svc.handlers.wire import envelopes
from order_svc.ports import Orders, Sellers

log = structlog.get_logger(__name__)


@dataclass
class SystemService:
    """Commands from timer-svc and arbitration-svc; idempotent by construction."""

    orders: Orders
    sellers: Sellers
    clock: Clock

    async def system_command(
        self,
        order_id: str,
        cmd: Cmd,
        payload: c.Payload | None,
        *,
        actor: Actor,
        correlation_id: str | None,
    ) -> ServiceOrder | None:
        """A command from another service; None when the order has moved on (nothing to do)."""
        found = await self.orders.get(order_id)
        if found is None:
            raise NotFound(f"service order {order_id} not found")
        order, current = found
        try:
            decision = execute(order, cmd, actor=actor, now=self.clock.now(), payload=payload)
        except InvalidTransition as exc:
            log.info("command no longer applies", order_id=order_id, cmd=cmd, reason=exc.message)
            return None
        await self.orders.save(
            current, decision.order, envelopes(decision, correlation_id=correlation_id)
        )
        return decision.order

    async def on_deadline(self, fired: TimerFired, *, correlation_id: str | None) -> bool:
        """Act on a fired deadline once; a cancelled, repeated or late firing changes nothing.

        One the rules refuse (say, a pre-compensation of nothing paid) is recorded on the order
        and marked fired: never raised, so never retried into the dead-letter queue.
        """
        found = await self.orders.get(fired.order_id)
        if found is None:
            raise NotFound(f"service order {fired.order_id} not found")
        order, current = found
        if not is_armed(order, fired.deadline_id):
            log.info("deadline no longer armed", deadline_id=fired.deadline_id)
            return False
        cmd = DEADLINE_COMMANDS[fired.kind]
        try:
            payload = await self._payload(order, cmd)
            decision = execute(
                order, cmd, actor=Actor.system("timer"), now=self.clock.now(), payload=payload
            )
            mark_fired(decision.order, fired.deadline_id)
        except AppError as exc:
            # The rules are pure: a retry would be refused the same way. Record it, do not raise.
            log.warning("deadline not applied", deadline_id=fired.deadline_id, reason=exc.message)
            decision = refused(
                order, cmd, deadline_id=fired.deadline_id, reason=exc.message, now=self.clock.now()
            )
        await self.orders.save(
            current, decision.order, envelopes(decision, correlation_id=correlation_id)
        )
        return True

    async def _payload(self, order: ServiceOrder, cmd: Cmd) -> c.Payload | None:
        """What a firing's command needs beyond the order: the seller's phone for a warning."""
        if cmd is not Cmd.RETURN_WARNING:
            return None
        seller = await self.sellers.get(order.seller_id)
        if seller is None:
            raise NotFound(f"seller {order.seller_id} not found")
        return c.Notice(seller_phone=seller[0].aftersales_contact_phone)
