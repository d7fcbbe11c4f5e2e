"""The use cases: open a case from a request, take, note, rule; each one write with its messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import structlog
from aftersales_shared.clock import Clock
from aftersales_shared.contracts import Envelope, envelope, new_id
from aftersales_shared.contracts.messages import ArbitrationRequested, ArbitrationRuled
from aftersales_shared.errors import ConcurrencyConflict, NotFound

from arbitration_svc.domain import case as domain
from arbitration_svc.domain.case import Case
from arbitration_svc.domain.ruling import Outcome, money
from arbitration_svc.ports import CasePage, CaseQuery, CaseRepository

log = structlog.get_logger(__name__)

CASE_IDS = uuid.UUID("5d7f3c1e-4a43-4c8e-9a55-0c1d0c6a7b10")
ATTEMPTS = 3


def case_id_for(request_message_id: str) -> str:
    """The same request message always names the same case, so a redelivery opens nothing new."""
    return uuid.uuid5(CASE_IDS, request_message_id).hex


def ruled_message(case: Case) -> Envelope:
    """`arbitration.ruled` for a ruled case; its id is fixed by the case, so it is sent once."""
    ruling = case.ruling
    assert ruling is not None
    assert case.ruled_by is not None
    assert case.ruled_at is not None
    payload = ArbitrationRuled(
        case_id=case.id,
        order_id=case.order_id,
        outcome=ruling.outcome.value,
        amount=None if ruling.amount is None else money(ruling.amount),
        sku=ruling.sku,
        note=ruling.note,
        ruled_by=case.ruled_by,
    )
    return envelope(
        type="arbitration.ruled",
        payload=payload,
        occurred_at=case.ruled_at,
        seller_id=case.seller_id,
        correlation_id=case.correlation_id,
        id=f"arbitration.ruled-{case.id}",
    )


@dataclass
class Cases:
    """arbitration-svc's application service, built once in bootstrap."""

    repo: CaseRepository
    clock: Clock
    changed: Callable[[], None] = lambda: None

    async def open_from(self, message: Envelope, request: ArbitrationRequested) -> Case | None:
        """Open the case a request asks for; None when it exists or the order has one open."""
        case = domain.open_case(
            case_id=case_id_for(message.id),
            request=request,
            at=message.occurred_at,
            correlation_id=message.correlation_id,
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
            messages = [ruled_message(after)] if publish else []
            try:
                await self.repo.save(stored, after, messages=messages)
            except ConcurrencyConflict:
                if attempt + 1 == ATTEMPTS:
                    raise
                continue
            return after
        raise AssertionError("unreachable")
