"""The /v1 API: rankings and Bottom-10 for QC and platform agents; a seller sees only its own."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from aftersales_shared.auth import CurrentPrincipal, Principal, Role
from aftersales_shared.errors import NotFound, NotPermitted
from aftersales_shared.ids import Id
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from metrics_svc.domain.week_names import WEEK_PATTERN
from metrics_svc.domain.weeks import parse_week
from metrics_svc.entrypoints.deps import ReaderDep
from metrics_svc.handlers.views import CSV_HEADER, csv_row

router = APIRouter(prefix="/v1", tags=["quality"])
QC = frozenset({Role.QC_ANALYST, Role.PLATFORM_AGENT})
Week = Annotated[str, Path(pattern=WEEK_PATTERN, description="like 2026-W48")]
WeekParam = Annotated[
    str | None, Query(pattern=WEEK_PATTERN, description="like 2026-W48; default: this week")
]


def require_qc(principal: Principal) -> None:
    """Rankings are for QC analysts and platform agents only."""
    if principal.role not in QC:
        raise NotPermitted(f"role {principal.role} may not see rankings")


def seller_scope(principal: Principal, seller_id: str | None) -> str | None:
    """QC sees any seller; a seller_admin only its own (another seller's is 404)."""
    if principal.role in QC:
        return seller_id
    if principal.role is Role.SELLER_ADMIN and principal.seller_id:
        if seller_id is not None and seller_id != principal.seller_id:
            raise NotFound("no such seller")
        return principal.seller_id
    raise NotPermitted(f"role {principal.role} may not see scorecards or penalties")


@router.get("/weeks", summary="Weeks with data, newest first, each live or closed")
async def weeks(read: ReaderDep, principal: CurrentPrincipal) -> dict[str, Any]:
    require_qc(principal)
    return {"items": await read.weeks()}


@router.get("/weeks/{week}/ranking", summary="Ranking of all scored sellers, best first")
async def ranking(
    week: Week,
    read: ReaderDep,
    principal: CurrentPrincipal,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    require_qc(principal)
    return await read.ranking(week, offset=offset, limit=limit)


class CsvResponse(Response):
    media_type = "text/csv"


@router.get(
    "/weeks/{week}/ranking.csv",
    summary="The whole ranking as CSV",
    response_class=CsvResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def ranking_csv(week: Week, read: ReaderDep, principal: CurrentPrincipal) -> Response:
    require_qc(principal)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in await read.all_rows(week):
        writer.writerow(csv_row(row))
    return CsvResponse(
        out.getvalue(),
        headers={"Content-Disposition": f'attachment; filename="ranking-{week}.csv"'},
    )


@router.get("/weeks/{week}/bottom10", summary="The ten lowest scores (worst first), with streaks")
async def bottom10(week: Week, read: ReaderDep, principal: CurrentPrincipal) -> dict[str, Any]:
    require_qc(principal)
    return await read.bottom10(week)


@router.get("/sellers/{seller_id}/scorecard", summary="A seller's indicators, score and history")
async def seller_scorecard(
    seller_id: Id,
    read: ReaderDep,
    principal: CurrentPrincipal,
    week: WeekParam = None,
    history: Annotated[int, Query(ge=1, le=26)] = 8,
) -> dict[str, Any]:
    seller_scope(principal, seller_id)
    return await read.scorecard(seller_id, week or read.current_week(), history=history)


@router.get("/escalations", summary="Sellers in the Bottom-10 three or more weeks in a row")
async def escalations(
    read: ReaderDep, principal: CurrentPrincipal, week: WeekParam = None
) -> dict[str, Any]:
    require_qc(principal)
    if week is not None:
        parse_week(week)
    return await read.escalations(week)


@router.get("/penalties", summary="Penalty lines per seller and week, with their order ids")
async def penalties(
    read: ReaderDep,
    principal: CurrentPrincipal,
    seller_id: Id | None = None,
    week: WeekParam = None,
) -> dict[str, Any]:
    scoped = seller_scope(principal, seller_id)
    return await read.penalties(week or read.current_week(), seller_id=scoped)
