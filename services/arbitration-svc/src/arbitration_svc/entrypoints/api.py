"""The agents' HTTP API (/v1/cases): platform_agent only; sellers and customers never see cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any

from aftersales_shared.api_description import IdempotencyKey
from aftersales_shared.auth import Principal, Role, require_roles
from aftersales_shared.ids import Id
from aftersales_shared.service import IdempotencyDep
from aftersales_shared.store import IdempotencyStore, StoredResponse
from fastapi import APIRouter, Query
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


async def _once(
    *,
    cases: Cases,
    idempotency: IdempotencyStore,
    agent: Principal,
    route: str,
    key: str | None,
    body: Any,
    status: int,
    action: Callable[[str | None], Awaitable[Case]],
) -> JSONResponse:
    async def run(request: str | None) -> StoredResponse:
        case = await action(request)
        detail = CaseDetail.of(case, now=cases.clock.now())
        return StoredResponse(status=status, body=detail.model_dump(mode="json"))

    response = await idempotency.run(
        principal=agent, route=route, key=key, request_body=body, action=run
    )
    return JSONResponse(response.body, response.status)


@router.post(
    "/{case_id}/take",
    response_model=CaseDetail,
    summary="Take the case into review (OPEN → IN_REVIEW); `take_over` a colleague's case",
)
async def take_case(
    case_id: Id,
    agent: Agent,
    cases: CasesDep,
    idempotency: IdempotencyDep,
    body: TakeIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    take_over = body is not None and body.take_over
    return await _once(
        cases=cases,
        idempotency=idempotency,
        agent=agent,
        route=f"POST /v1/cases/{case_id}/take",
        key=idempotency_key,
        body={"take_over": take_over},
        status=200,
        action=lambda request: cases.take(
            case_id=case_id, agent=agent.sub, take_over=take_over, request=request
        ),
    )


@router.post("/{case_id}/notes", response_model=CaseDetail, status_code=201, summary="Add a note")
async def add_note(
    case_id: Id,
    body: NoteIn,
    agent: Agent,
    cases: CasesDep,
    idempotency: IdempotencyDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _once(
        cases=cases,
        idempotency=idempotency,
        agent=agent,
        route=f"POST /v1/cases/{case_id}/notes",
        key=idempotency_key,
        body=body.model_dump(mode="json"),
        status=201,
        action=lambda request: cases.add_note(
            case_id=case_id, author=agent.sub, text=body.text, request=request
        ),
    )


@router.post(
    "/{case_id}/ruling",
    response_model=CaseDetail,
    summary="Rule on the case, once: publishes arbitration.ruled; a second ruling is 409",
)
async def rule_case(
    case_id: Id,
    body: RulingIn,
    agent: Agent,
    cases: CasesDep,
    idempotency: IdempotencyDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _once(
        cases=cases,
        idempotency=idempotency,
        agent=agent,
        route=f"POST /v1/cases/{case_id}/ruling",
        key=idempotency_key,
        body=body.model_dump(mode="json"),
        status=200,
        action=lambda request: cases.rule(
            case_id=case_id,
            agent=agent.sub,
            outcome=body.outcome,
            note=body.note,
            amount=body.amount,
            sku=body.sku,
            request=request,
        ),
    )
