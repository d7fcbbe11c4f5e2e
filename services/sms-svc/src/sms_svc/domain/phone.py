"""Mainland China mobile numbers: the shared validation, and masking for what sellers see."""

from __future__ import annotations

from aftersales_shared.phones import InvalidPhone, normalize_phone

__all__ = ["InvalidPhone", "mask_phone", "normalize_phone", "phone_or_raw"]


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits; anything short is fully masked."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def phone_or_raw(recipient: str) -> str:
    """The normalised phone if it is one, else what was given (shown masked all the same)."""
    try:
        return normalize_phone(recipient)
    except InvalidPhone:
        return recipient
