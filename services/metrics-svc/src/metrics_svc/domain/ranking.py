"""Ranking of the scored sellers of a week, the Bottom-10, streaks and escalations.

Tie-break (documented in the README): higher score first; on an equal score, more indicators
passed first; then the seller id in ascending order, so the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from metrics_svc.domain.scoring import Scorecard

BOTTOM_SIZE = 10
ESCALATE_AT = 3
WARN_AT = ESCALATE_AT - 1
"""The second week running in the Bottom-10: the seller is warned before the third escalates."""


@dataclass(frozen=True, slots=True)
class Ranked:
    position: int
    card: Scorecard
    bottom10: bool
    streak: int
    """Consecutive weeks in the Bottom-10 up to this one (0 when not in it)."""

    @property
    def escalated(self) -> bool:
        return self.streak >= ESCALATE_AT

    @property
    def warned(self) -> bool:
        """`BOTTOM10_WARNING`: in the Bottom-10 for exactly the second week running."""
        return self.streak == WARN_AT


def sort_key(card: Scorecard) -> tuple[object, ...]:
    """Best first; see the module docstring for the tie-break."""
    assert card.score is not None
    return (-card.score, -card.passed_count, card.seller_id)


def rank(
    cards: Iterable[Scorecard], *, previous_streaks: Mapping[str, int] | None = None
) -> list[Ranked]:
    """All scored sellers best first, the last ten (or all, if fewer) marked Bottom-10.

    `previous_streaks` are the streaks of the week just before (empty if it was not closed).
    """
    scored = sorted((c for c in cards if c.score is not None), key=sort_key)
    cut = max(len(scored) - BOTTOM_SIZE, 0)
    before = previous_streaks or {}
    out = []
    for index, card in enumerate(scored):
        bottom = index >= cut
        streak = before.get(card.seller_id, 0) + 1 if bottom else 0
        out.append(Ranked(index + 1, card, bottom, streak))
    return out


def bottom10(ranking: list[Ranked]) -> list[Ranked]:
    """The Bottom-10, worst first."""
    return [r for r in reversed(ranking) if r.bottom10]
