"""The use cases: open a case from a request, take, note, rule (each one write with its messages),
recount the backlog; and the mapping of the domain's events to the wire contracts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import structlog
from aftersales_shared.background import Periodic
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import Envelope, envelope, new_id
from aftersales_shared.contracts.messages import ArbitrationRequested, ArbitrationRuled
from aftersales_shared.errors import ConcurrencyConflict, NotFound
from aftersales_shared.messaging import MessageMeta
from aftersales_shared.money import show_yuan

from arbitration_svc.domain import case as domain
from arbitration_svc.domain.backlog import BacklogCount, count_backlog
from arbitration_svc.domain.case import Case, CaseRequest
from arbitration_svc.domain.events import CaseRuled, case_ruled
from arbitration_svc.domain.ruling import Outcome
from arbitration_svc.ports import BacklogGauges, CasePage, CaseQuery, CaseRepository

log = structlog.get_logger(__name__)

CASE_IDS = uuid.UUID("5d7f3c1e-4a43-4c8e-9a55-0c1d0c6a7b10")
ATTEMPTS = 3
COALESCE_S = 1.0


def case_id_for(request_message_id: str) -> str:
    """The same request message always names the same case, so a redelivery opens nothing new."""
    return uuid.uuid5(CASE_IDS, request_message_id).hex


def case_request(request: ArbitrationRequested) -> CaseRequest:
    """The wire's `arbitration.requested` as the domain's request."""
    return CaseRequest(
        order_id=request.order_id,
        seller_id=request.seller_id,
        reason=request.reason,
        requested_by=request.requested_by,
        snapshot=dict(request.snapshot),
    )


def ruled_message(event: CaseRuled) -> Envelope:
    """`arbitration.ruled` for a ruling; its id is fixed by the case, so it is sent once."""
    payload = ArbitrationRuled(
        case_id=event.case_id,
        order_id=event.order_id,
        outcome=event.outcome.value,
        amount=None if event.amount is None else show_yuan(event.amount),
        sku=event.sku,
        note=event.note,
        ruled_by=event.ruled_by,
    )
    return envelope(
        type="arbitration.ruled",
        payload=payload,
        occurred_at=event.ruled_at,
        seller_id=event.seller_id,
        correlation_id=event.correlation_id,
        id=f"arbitration.ruled-{event.case_id}",
    )


@dataclass
class Cases:
    """arbitration-svc's application service, built once in bootstrap."""

    repo: CaseRepository
    clock: Clock
    changed: Callable[[], None] = lambda: None

    async def open_from(self, request: ArbitrationRequested, meta: MessageMeta) -> Case | None:
        """Open the case a request asks for; None when it exists or the order has one open."""
        case = domain.open_case(
            case_id=case_id_for(meta.id),
            request=case_request(request),
            at=meta.occurred_at,
            correlation_id=meta.correlation_id,
        )
        if not await self.repo.add(case):
            log.info("no new case: duplicate request or open case", order_id=request.order_id)
            return None
        log.info("case opened", case_id=case.id, order_id=case.order_id)
        self.changed()
        return case

    async def get(self, case_id: str) -> Case:
        stored = await self.repo.get(case_id)
        if stored is None:
            raise NotFound("no such case", case_id=case_id)
        return stored.case

    async def find(self, query: CaseQuery) -> CasePage:
        return await self.repo.find(query)

    async def take(
        self, *, case_id: str, agent: str, take_over: bool = False, request: str | None = None
    ) -> Case:
        """The agent takes the case into review (or over from a colleague, if asked to)."""
        return await self._change(
            case_id,
            lambda c: domain.take(c, agent=agent, at=self.clock.now(), take_over=take_over),
            request=request,
        )

    async def add_note(
        self, *, case_id: str, author: str, text: str, request: str | None = None
    ) -> Case:
        """Add a note to an open case."""
        note_id = new_id()
        return await self._change(
            case_id,
            lambda c: domain.add_note(
                c, author=author, text=text, at=self.clock.now(), note_id=note_id
            ),
            request=request,
        )

    async def rule(
        self,
        *,
        case_id: str,
        agent: str,
        outcome: Outcome,
        note: str,
        amount: Decimal | None,
        sku: str | None,
        request: str | None = None,
    ) -> Case:
        """Rule once: the ruling and its `arbitration.ruled` message are stored in one write."""
        case = await self._change(
            case_id,
            lambda c: domain.rule(
                c,
                agent=agent,
                at=self.clock.now(),
                outcome=outcome,
                note=note,
                amount=amount,
                sku=sku,
            ),
            publish=True,
            request=request,
        )
        log.info("case ruled", case_id=case.id, order_id=case.order_id, outcome=str(outcome))
        self.changed()
        return case

    async def _change(
        self,
        case_id: str,
        command: Callable[[Case], Case],
        *,
        publish: bool = False,
        request: str | None = None,
    ) -> Case:
        """Read, decide, compare-and-set; a case that records `request` (an Idempotency-Key
        slot) was changed by an attempt that died before answering: it is the answer."""
        for attempt in range(ATTEMPTS):
            stored = await self.repo.get(case_id)
            if stored is None:
                raise NotFound("no such case", case_id=case_id)
            if request is not None and request in stored.case.requests:
                return stored.case
            after = command(stored.case)
            if after == stored.case:
                return after
            if request is not None:
                after = after.model_copy(update={"requests": (*after.requests, request)})
            messages = [ruled_message(case_ruled(after))] if publish else []
            try:
                await self.repo.save(stored, after, messages=messages)
            except ConcurrencyConflict:
                if attempt + 1 == ATTEMPTS:
                    raise
                continue
            return after
        raise AssertionError("unreachable")


class Backlog:
    """Recounts the open cases every `interval_s`, or soon after `poke()`, onto the gauges."""

    def __init__(
        self, *, repo: CaseRepository, clock: Clock, gauges: BacklogGauges, interval_s: float
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._gauges = gauges
        # Poked: let a burst of openings settle into one recount, not one per case.
        self._loop = Periodic(
            self._round,
            interval_s=interval_s,
            name="arbitration-backlog",
            settle_s=min(interval_s, COALESCE_S),
        )
        self.start = self._loop.start
        self.stop = self._loop.stop

    def poke(self) -> None:
        """A case opened or was ruled: recount soon."""
        self._loop.wake()

    async def refresh(self) -> BacklogCount:
        """Count the open cases by (status, age bucket) and publish the gauges."""
        backlog = count_backlog(await self._repo.open_since(), now=self._clock.now())
        self._gauges.show(backlog)
        return backlog

    async def _round(self) -> None:
        await self.refresh()
