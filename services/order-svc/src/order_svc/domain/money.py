"""Money is integer fen (分) inside; shown as a decimal string with two places."""

from __future__ import annotations

from typing import Any

from aftersales_shared.money import show_fen

AMOUNT_NAMES = {"paid": "paid_amount"}


def shown(value: Any) -> Any:
    """Every `*_fen` integer becomes a decimal string without the suffix, recursively."""
    if isinstance(value, list):
        return [shown(v) if isinstance(v, dict | list) else v for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key.endswith("_fen"):
            name = key.removesuffix("_fen")
            out[AMOUNT_NAMES.get(name, name)] = None if v is None else show_fen(v)
        elif isinstance(v, dict | list):  # only containers hold more amounts
            out[key] = shown(v)
        else:
            out[key] = v
    return out
