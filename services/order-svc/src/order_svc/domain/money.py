"""Money is integer fen (分) inside; shown as a decimal string with two places."""

from __future__ import annotations


def show(fen: int) -> str:
    """19950 -> '199.50'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
