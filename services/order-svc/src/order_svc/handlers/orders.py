"""A caller's use cases on service orders: load, decide with the pure domain, store the order and
its messages (the domain's events as wire contracts, `handlers/wire.py`) in one write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from aftersales_shared.auth import Principal, Role
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import new_id
from aftersales_shared.errors import AppError, ConcurrencyConflict, Conflict, NotFound, NotPermitted

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.batches import batch_audit_command
from order_svc.domain.decide import Decision, apply, execute
from order_svc.domain.limits import count_message
from order_svc.domain.model import Cmd
from order_svc.domain.open_lines import line_key
from order_svc.domain.order import ServiceOrder
from order_svc.domain.table import visible_to
from order_svc.domain.tail import no_caller_raced, recent
from order_svc.domain.warnings import DEFAULT_OFFSETS, WarningOffsets
from order_svc.handlers import queries
from order_svc.handlers.actors import actor_of, staff_target
from order_svc.handlers.batch import Pick, decide_one, write_one
from order_svc.handlers.order_facts import filled_in, refuse_open
from order_svc.handlers.replay import applied, order_id_for, stamped
from order_svc.handlers.wire import envelopes
from order_svc.ports import Attachments, OrderFactsStore, OrderQuery, Orders, Sellers

__all__ = ["SYSTEM_RACE_RETRIES", "OrderService", "no_caller_raced"]
log = structlog.get_logger(__name__)
SYSTEM_RACE_RETRIES = 3


@dataclass
class OrderService:
    """Every order use case; collaborators are injected by bootstrap."""

    orders: Orders
    sellers: Sellers
    attachments: Attachments
    clock: Clock
    facts: OrderFactsStore
    ids: Callable[[], str] = new_id
    warnings: WarningOffsets | None = DEFAULT_OFFSETS  # settings; None: no warnings armed
    tail: int = 20
    """History entries and messages an order's view shows (the latest ones)."""
    message_cap: int = 50
    """A customer's messages per order per day (Asia/Shanghai)."""

    def decide(self, order: ServiceOrder, cmd: Cmd, actor: Actor, payload: Any) -> Decision:
        """The pure decision, now, with the warnings of the settings armed."""
        return execute(
            order, cmd, actor=actor, now=self.clock.now(), payload=payload, warnings=self.warnings
        )

    async def actor_of(self, principal: Principal) -> Actor:
        """The domain actor; a sub-account's rights come from the staff records, read now."""
        return await actor_of(principal, self.sellers)

    async def apply(
        self,
        principal: Principal,
        payload: c.Apply,
        *,
        correlation_id: str | None = None,
        request: str | None = None,
    ) -> ServiceOrder:
        """A customer's application for a line of their order (seller, paid share and tier from
        the order's facts: `handlers/order_facts.py`); a key's slot gives the order's id."""
        if principal.role is not Role.CUSTOMER:
            raise NotPermitted("only a customer may apply for after-sales")
        customer = Actor.customer(principal.sub)
        line = line_key(payload.order_no, payload.sku)
        order_id = self.ids() if request is None else order_id_for(request)
        for _ in range(2):  # the open one may become final between the refusal and the look-up
            if (done := await self._applied(order_id, request)) is not None:
                return done  # a retry of a request whose first run was applied
            filled = await filled_in(self, principal.sub, payload, line)
            now, warnings = self.clock.now(), self.warnings
            made = apply(filled, order_id=order_id, customer=customer, now=now, warnings=warnings)
            decision = stamped(made, since=0, request=request)
            try:
                await self.orders.add(
                    decision.order, envelopes(decision, correlation_id=correlation_id)
                )
                return decision.order
            except Conflict:
                if (done := await self._applied(order_id, request)) is not None:
                    return done
                await refuse_open(self.orders, line, principal.sub)
        raise ConcurrencyConflict("the order line changed meanwhile; please try again")

    async def _applied(self, order_id: str, request: str | None) -> ServiceOrder | None:
        found = None if request is None else await self.orders.get(order_id)
        if found is None or request is None:
            return None
        return found[0] if await applied(self.orders, found[0], request) else None

    async def load(
        self, order_id: str, actor: Actor, *, for_update: bool = False
    ) -> tuple[ServiceOrder, Any]:
        """The order and its stored version, or 404 when it does not exist or is not theirs.

        `for_update` may answer from this process's memory of its last read or write.
        """
        found = await (self.orders.get_for_update if for_update else self.orders.get)(order_id)
        if found is None or not visible_to(found[0], actor):
            raise NotFound(f"service order {order_id} not found")
        return found

    async def view(self, principal: Principal, order_id: str) -> tuple[ServiceOrder, Actor]:
        """One order as its caller may see it."""
        actor = await self.actor_of(principal)
        order, _ = await self.load(order_id, actor)
        return recent(order, self.tail), actor

    async def command(
        self,
        principal: Principal,
        order_id: str,
        pick: Pick,
        *,
        correlation_id: str | None,
        request: str | None = None,
    ) -> tuple[ServiceOrder, Actor]:
        """Run one command: read, decide, compare-and-set (409 if someone wrote meanwhile).

        The read may come from memory (the version this process last wrote). A write in
        between by the system alone (a deadline firing), or one made before this command began
        (the memory was stale), is not a caller's race: the command is decided again on the
        stored state, a bounded number of times. A refusal is confirmed on the stored state
        too: memory may predate another replica's write that made the command valid.
        An order whose history holds `request` (a key's slot) had it applied already: answered.
        """
        actor = await self.actor_of(principal)
        began = self.clock.now()
        for attempt in range(SYSTEM_RACE_RETRIES + 1):
            order, current = await self.load(order_id, actor, for_update=True)
            if await applied(self.orders, order, request):
                return recent(order, self.tail), actor
            cmd, payload = pick(actor)
            try:
                now = self.clock.now()
                decision = execute(
                    order, cmd, actor=actor, now=now, payload=payload, warnings=self.warnings
                )
                count_message(decision.order, cmd, actor=actor, now=now, cap=self.message_cap)
                decision = stamped(decision, since=len(order.history), request=request)
            except AppError:
                _, stored = await self.load(order_id, actor)
                if attempt == SYSTEM_RACE_RETRIES or stored.version == current.version:
                    raise
                continue
            try:
                await self.orders.save(
                    current, decision.order, envelopes(decision, correlation_id=correlation_id)
                )
            except ConcurrencyConflict:
                latest, _ = await self.load(order_id, actor)
                if attempt == SYSTEM_RACE_RETRIES or not no_caller_raced(
                    order, latest, since=began
                ):
                    raise
                continue
            return recent(decision.order, self.tail), actor
        raise AssertionError("unreachable")

    async def batch(
        self,
        principal: Principal,
        ids: Sequence[str],
        pick: Pick,
        *,
        correlation_id: str | None,
        request: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every order decided first, then each written on its own (`handlers/batch.py`): one
        that is refused is reported with why, and the others go ahead; a fault of the request
        (`RequestInvalid`) refuses the batch before anything is written."""
        actor = await self.actor_of(principal)
        steps = [await decide_one(self, actor, i, pick, request) for i in dict.fromkeys(ids)]
        return [await write_one(self, step, correlation_id) for step in steps]

    async def batch_audit(
        self,
        principal: Principal,
        ids: Sequence[str],
        payload: c.Audit,
        *,
        correlation_id: str | None,
        request: str | None = None,
    ) -> list[dict[str, Any]]:
        """One audit for many orders: only the results the domain allows in a batch."""
        cmd = batch_audit_command(payload.result)
        return await self.batch(
            principal,
            ids,
            lambda _a: (cmd, payload),
            correlation_id=correlation_id,
            request=request,
        )

    async def staff_target(self, principal: Principal, staff_id: str) -> c.AssignTo:
        """The assignee's rights as the staff records hold them (the main account assigns)."""
        return await staff_target(principal, self.sellers, staff_id)

    async def search(self, principal: Principal, query: OrderQuery) -> list[dict[str, Any]]:
        """The caller's orders only: a seller's own (staff: their categories), a customer's own."""
        return await queries.search(self.orders, self.sellers, principal, query)

    async def counts(self, principal: Principal, *, seller_id: str | None) -> dict[str, Any]:
        """The workbench's tab badges, over the orders the caller sees."""
        return await queries.counts(
            self.orders, self.sellers, self.clock, principal, seller_id=seller_id
        )
