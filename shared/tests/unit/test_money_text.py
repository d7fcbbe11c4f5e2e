"""Money as text: one function writes every amount, two places, never a float on the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from aftersales_shared.money import show_fen, show_yuan


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (50, "0.50"),
        (100, "1.00"),
        (19950, "199.50"),
        (999999999, "9999999.99"),
        (-5, "-0.05"),
        (-19950, "-199.50"),
    ],
)
def test_fen_are_shown_with_two_places(fen: int, text: str) -> None:
    assert show_fen(fen) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "0.00"),
        ("12.5", "12.50"),
        ("199.00", "199.00"),
        ("199", "199.00"),
        ("0.01", "0.01"),
        ("9999999.99", "9999999.99"),
        ("1E+2", "100.00"),
    ],
)
def test_yuan_are_shown_as_their_fen_are(amount: str, text: str) -> None:
    assert show_yuan(Decimal(amount)) == text
    assert show_yuan(Decimal(amount)) == show_fen(int(Decimal(amount) * 100))


@pytest.mark.parametrize("amount", ["0.001", "1.005", "NaN", "Infinity"])
def test_an_amount_below_a_fen_is_refused_not_rounded(amount: str) -> None:
    with pytest.raises(ValueError, match="fen"):
        show_yuan(Decimal(amount))
