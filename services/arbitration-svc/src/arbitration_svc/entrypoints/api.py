"""The agents' HTTP API (/v1/cases): platform_agent only; sellers and customers never see cases."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Annotated, Any, Protocol

from aftersales_shared.api_description import IdempotencyKey
from aftersales_shared.auth import Principal, Role, require_roles
from aftersales_shared.ids import Id
from aftersales_shared.persistence import IdempotencyStore, StoredResponse
from aftersales_shared.service import IdempotencyDep
from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from arbitration_svc.domain.case import Case, Status
from arbitration_svc.entrypoints.deps import CasesDep
from arbitration_svc.entrypoints.schemas import (
    CaseDetail,
    CasePageOut,
    CaseSummary,
    NoteIn,
    RulingIn,
    TakeIn,
)
from arbitration_svc.handlers import Cases
from arbitration_svc.ports import CaseQuery

router = APIRouter(prefix="/v1/cases", tags=["cases"])
MAX_AGE_HOURS = 10 * 366 * 24
"""Ten years: an age filter beyond it means nothing and overflows the date arithmetic."""

Agent = Annotated[Principal, require_roles(Role.PLATFORM_AGENT)]


@router.get("", response_model=CasePageOut, summary="The agents' work list, oldest first")
async def list_cases(
    agent: Agent,
    cases: CasesDep,
    status: Annotated[list[Status] | None, Query(description="Repeat for several")] = None,
    seller_id: Id | None = None,
    min_age_hours: Annotated[
        float | None, Query(ge=0, le=MAX_AGE_HOURS, description="Open ≥ this long")
    ] = None,
    max_age_hours: Annotated[
        float | None, Query(ge=0, le=MAX_AGE_HOURS, description="Open ≤ this long")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> CasePageOut:
    now = cases.clock.now()
    query = CaseQuery(
        statuses=frozenset(status or ()),
        seller_id=seller_id,
        opened_before=None if min_age_hours is None else now - timedelta(hours=min_age_hours),
        opened_after=None if max_age_hours is None else now - timedelta(hours=max_age_hours),
        limit=limit,
        cursor=cursor,
    )
    page = await cases.find(query)
    items = [CaseSummary.of(case, now=now) for case in page.items]
    return CasePageOut(items=items, next_cursor=page.next_cursor)


@router.get("/{case_id}", response_model=CaseDetail, summary="A case with its evidence")
async def get_case(case_id: Id, agent: Agent, cases: CasesDep) -> CaseDetail:
    return CaseDetail.of(await cases.get(case_id), now=cases.clock.now())


class Change(Protocol):
    """A use case that changes a case, given the Idempotency-Key's slot it records."""

    def __call__(self, *, request: str | None) -> Awaitable[Case]: ...


@dataclass(frozen=True)
class Once:
    """An agent's change of a case, answered once per Idempotency-Key (a retry gets the answer)."""

    cases: Cases
    idempotency: IdempotencyStore
    agent: Principal
    key: str | None

    async def run(self, *, route: str, body: Any, status: int, action: Change) -> JSONResponse:
        """Run `action` (given the key's slot, or None) unless this key has already run it."""

        async def run(request: str | None) -> StoredResponse:
            case = await action(request=request)
            detail = CaseDetail.of(case, now=self.cases.clock.now())
            return StoredResponse(status=status, body=detail.model_dump(mode="json"))

        response = await self.idempotency.run(
            principal=self.agent, route=route, key=self.key, request_body=body, action=run
        )
        return JSONResponse(response.body, response.status)


async def _once_dependency(
    agent: Agent,
    cases: CasesDep,
    idempotency: IdempotencyDep,
    idempotency_key: IdempotencyKey = None,
) -> Once:
    return Once(cases=cases, idempotency=idempotency, agent=agent, key=idempotency_key)


OnceDep = Annotated[Once, Depends(_once_dependency)]


@router.post(
    "/{case_id}/take",
    response_model=CaseDetail,
    summary="Take the case into review (OPEN → IN_REVIEW); `take_over` a colleague's case",
)
async def take_case(case_id: Id, once: OnceDep, body: TakeIn | None = None) -> JSONResponse:
    take_over = body is not None and body.take_over
    return await once.run(
        route=f"POST /v1/cases/{case_id}/take",
        body={"take_over": take_over},
        status=200,
        action=partial(once.cases.take, case_id=case_id, agent=once.agent.sub, take_over=take_over),
    )


@router.post("/{case_id}/notes", response_model=CaseDetail, status_code=201, summary="Add a note")
async def add_note(case_id: Id, body: NoteIn, once: OnceDep) -> JSONResponse:
    return await once.run(
        route=f"POST /v1/cases/{case_id}/notes",
        body=body.model_dump(mode="json"),
        status=201,
        action=partial(once.cases.add_note, case_id=case_id, author=once.agent.sub, text=body.text),
    )


@router.post(
    "/{case_id}/ruling",
    response_model=CaseDetail,
    summary="Rule on the case, once: publishes arbitration.ruled; a second ruling is 409",
)
async def rule_case(case_id: Id, body: RulingIn, once: OnceDep) -> JSONResponse:
    return await once.run(
        route=f"POST /v1/cases/{case_id}/ruling",
        body=body.model_dump(mode="json"),
        status=200,
        action=partial(
            once.cases.rule,
            case_id=case_id,
            agent=once.agent.sub,
            outcome=body.outcome,
            note=body.note,
            amount=body.amount,
            sku=body.sku,
        ),
    )
