"""JSON shapes of the read side: indicators, ranking rows, penalty lines."""

from __future__ import annotations

from typing import Any

from aftersales_shared.money import show_fen

from metrics_svc.domain.penalties import PenaltyLine
from metrics_svc.domain.ranking import ESCALATE_AT
from metrics_svc.domain.scoring import Indicator, Scorecard, pct


def indicator_view(i: Indicator) -> dict[str, Any]:
    return {
        "name": i.name,
        "value": pct(i.value),
        "target": f"{i.target_pct}.00",
        "passed": i.passed,
        "numerator": i.numerator,
        "denominator": i.denominator,
        "weight": i.weight_pct,
    }


def row_view(
    card: Scorecard, *, position: int | None, bottom10: bool | None, streak: int | None
) -> dict[str, Any]:
    """One seller's week: score, position, Bottom-10 streak and the four indicators."""
    return {
        "seller_id": card.seller_id,
        "week": card.week,
        "position": position,
        "score": pct(card.score),
        "passed": card.passed_count,
        "bottom10": bottom10,
        "streak": streak,
        "escalated": streak is not None and streak >= ESCALATE_AT,
        "indicators": [indicator_view(i) for i in card.indicators],
    }


def line_view(line: PenaltyLine, *, late_orders: set[str]) -> dict[str, Any]:
    return {
        "rule": line.rule,
        "orders": line.orders,
        "units": line.units,
        "amount": show_fen(line.amount_fen),
        "order_ids": list(line.order_ids),
        "late_order_ids": [o for o in line.order_ids if o in late_orders],
    }


CSV_HEADER = [
    "week", "position", "seller_id", "score", "passed", "bottom10", "streak",
    "satisfaction", "audit_within_12h", "process_within_12h", "exchange_shipped_within_18h",
]  # fmt: skip


def csv_row(row: dict[str, Any]) -> list[str]:
    values = [row["week"], row["position"], row["seller_id"], row["score"], row["passed"]]
    values += [row["bottom10"], row["streak"]]
    values += [i["value"] if i["value"] is not None else "" for i in row["indicators"]]
    return ["" if v is None else str(v) for v in values]
