"""Mainland China mobile numbers: normalisation and masking."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


class InvalidPhone(ValueError):
    """Not a mainland mobile number."""


def normalize_phone(raw: str) -> str:
    """The 11-digit national form of a mainland mobile number given with or without +86."""
    digits = _SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.match(digits):
        raise InvalidPhone("not a mainland mobile number (11 digits starting 13-19, optional +86)")
    return digits


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits; anything short is fully masked."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
