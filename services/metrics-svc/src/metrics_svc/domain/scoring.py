"""The four weekly indicators of a seller and its weighted score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    name: str
    numerator: str
    denominator: str
    target_pct: int
    weight_pct: int


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("satisfaction", "sat_n", "sat_d", 85, 40),
    IndicatorSpec("audit_within_12h", "aud_n", "aud_d", 95, 30),
    IndicatorSpec("process_within_12h", "proc_n", "proc_d", 90, 20),
    IndicatorSpec("exchange_shipped_within_18h", "exch_n", "exch_d", 90, 10),
)
COUNTERS = tuple(c for spec in INDICATORS for c in (spec.numerator, spec.denominator))


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    numerator: int
    denominator: int
    target_pct: int
    weight_pct: int
    value: Fraction | None
    """In percent; None when the week has no data for it."""

    @property
    def passed(self) -> bool | None:
        return None if self.value is None else self.value >= self.target_pct


@dataclass(frozen=True, slots=True)
class Scorecard:
    seller_id: str
    week: str
    indicators: tuple[Indicator, ...]
    score: Fraction | None
    """0..100; None when no indicator has data (the seller is not ranked that week)."""

    @property
    def passed_count(self) -> int:
        return sum(1 for i in self.indicators if i.passed)


def pct(value: Fraction | None) -> str | None:
    """A percentage shown with two decimals, half up ('94.44'); None stays None."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def scorecard(*, seller_id: str, week: str, counters: Mapping[str, int]) -> Scorecard:
    """Indicators from the week's counters; a no-data indicator's weight goes to the others."""
    indicators = []
    for spec in INDICATORS:
        num, den = int(counters.get(spec.numerator, 0)), int(counters.get(spec.denominator, 0))
        value = Fraction(100 * num, den) if den > 0 else None
        indicators.append(Indicator(spec.name, num, den, spec.target_pct, spec.weight_pct, value))
    with_data = [i for i in indicators if i.value is not None]
    weight = sum(i.weight_pct for i in with_data)
    score = (
        sum((i.weight_pct * i.value for i in with_data if i.value is not None), Fraction(0))
        / weight
        if weight
        else None
    )
    return Scorecard(seller_id, week, tuple(indicators), score)
