"""A page of list rows: offset paging newest first, or a cursor for the soonest-due order."""

from __future__ import annotations

from typing import Any

from aftersales_shared.errors import Invalid

from order_svc.entrypoints.views import summary_view

CURSOR = r"^[0-9]{1,16}:[A-Za-z0-9_-]{1,100}$"
"""`<next_due_ms>:<id>` of the last row shown: the next page starts after it, whatever was
written in between (a stable cursor)."""


def cursor_of(cursor: str | None) -> tuple[int, str] | None:
    """The (next_due_ms, id) a cursor names."""
    if cursor is None:
        return None
    ms, _, last_id = cursor.partition(":")
    if not ms.isdigit() or not last_id:
        raise Invalid("not a cursor of this list", field="cursor")
    return int(ms), last_id


def page(rows: list[dict[str, Any]], *, offset: int, limit: int, by_due: bool) -> dict[str, Any]:
    """The rows (one more was asked for to know whether another page follows)."""
    more = len(rows) > limit
    shown = rows[:limit]
    out: dict[str, Any] = {
        "items": [summary_view(r) for r in shown],
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if more and not by_due else None,
    }
    if by_due:
        last = shown[-1] if shown else None
        out["next_cursor"] = f"{last['next_due_ms']}:{last['id']}" if more and last else None
    return out
