"""The /v1 routes of the money's record: the ledger, the monthly statements, reconciliation.

QC analysts and platform agents see every seller; a seller_admin only its own (another
seller's is 404); other roles get 403. Reconciliation is for platform agents.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from aftersales_shared.auth import CurrentPrincipal, Principal, Role
from aftersales_shared.errors import Invalid, NotPermitted
from aftersales_shared.ids import Id
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from metrics_svc.domain.months import MONTH_PATTERN
from metrics_svc.entrypoints.api import CsvResponse, seller_scope
from metrics_svc.entrypoints.deps import LedgerDep
from metrics_svc.handlers.statements import CSV_HEADER

router = APIRouter(prefix="/v1", tags=["money"])
MONTH_DOC = "a calendar month in Asia/Shanghai, like 2026-12"
Month = Annotated[str, Path(pattern=MONTH_PATTERN, description=MONTH_DOC)]
Kind = Literal[
    "REFUND", "AUTO_REFUND", "FREIGHT_REFUND", "PRE_COMPENSATION", "OUTBOUND_FREIGHT", "FINE"
]
SECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "entries": {"type": "array", "items": {"type": "object"}},
        "total": {"type": "string", "description": 'the sum of the entries, like "12.00"'},
    },
    "required": ["entries", "total"],
}
STATEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "month": {"type": "string"},
        "seller_id": {"type": "string"},
        "currency": {"type": "string"},
    }
    | {s: SECTION_SCHEMA for s in ("settlement", "compensation", "refunds", "fines")},
    "required": ["month", "seller_id", "settlement", "compensation", "refunds", "fines"],
}
CURSOR = r"^[0-9]{13}\|[^\x00-\x1f\x7f]{1,200}$"


def statement_seller(principal: Principal, seller_id: str | None) -> str:
    """The seller whose statement is asked: a seller_admin's own; QC must name one (422)."""
    scoped = seller_scope(principal, seller_id)
    if scoped is None:
        raise Invalid("seller_id is required: a statement is one seller's")
    return scoped


@router.get("/ledger", summary="Ledger entries, one per money movement, in time order")
async def ledger(
    read: LedgerDep,
    principal: CurrentPrincipal,
    seller_id: Id | None = None,
    order_id: Id | None = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN, description=MONTH_DOC)] = None,
    kind: Kind | None = None,
    cursor: Annotated[
        str | None, Query(pattern=CURSOR, description="`next_cursor` of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Entries: `id`, `order_id`, `kind`, `amount` ("12.00"), `payer`, `payee`, `at`."""
    scoped = seller_scope(principal, seller_id)
    return await read.page(
        seller_id=scoped, order_id=order_id, month=month, kind=kind, cursor=cursor, limit=limit
    )


@router.get(
    "/statements/{month}.csv",
    summary="The same statement as CSV (each section's entries, then its TOTAL row)",
    response_class=CsvResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def statement_csv(
    month: Month, read: LedgerDep, principal: CurrentPrincipal, seller_id: Id | None = None
) -> Response:
    """Declared before the JSON route, whose `{month}` would otherwise take "2026-12.csv"."""
    seller = statement_seller(principal, seller_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(await read.csv_rows(month, seller))
    name = f"statement-{seller}-{month}.csv"
    disposition = f'attachment; filename="{name}"'
    return CsvResponse(out.getvalue(), headers={"Content-Disposition": disposition})


@router.get(
    "/statements/{month}",
    summary="A seller's monthly statement: settlement, compensation, refunds and fines",
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {"schema": STATEMENT_SCHEMA}}}},
)
async def statement(
    month: Month,
    request: Request,
    read: LedgerDep,
    principal: CurrentPrincipal,
    seller_id: Id | None = None,
) -> Response:
    """Each section has its `entries` and its exact `total` (the sum of its entries, in fen).
    The JSON is rendered once per change of the seller's month (`StatementCache`), and sent
    gzip-compressed to a client that accepts it."""
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    seller = statement_seller(principal, seller_id)
    body = await read.statement_json(month, seller, gzipped=gzipped)
    headers = {"Vary": "Accept-Encoding"} | ({"Content-Encoding": "gzip"} if gzipped else {})
    return Response(body, media_type="application/json", headers=headers)


@router.post(
    "/statements/{month}/reconcile",
    summary="Recompute the month's totals from the stored events and compare with the ledger",
)
async def reconcile(
    month: Month, read: LedgerDep, principal: CurrentPrincipal, seller_id: Id | None = None
) -> dict[str, Any]:
    """`ok` is false when any entry or section total differs; `differences` name each one."""
    if principal.role is not Role.PLATFORM_AGENT:
        raise NotPermitted(f"role {principal.role} may not reconcile statements")
    return await read.reconcile(month, seller_id)
