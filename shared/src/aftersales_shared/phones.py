"""Mainland China mobile numbers: the one validation order-svc and sms-svc share.

A mobile number is 1[3-9] and nine more ASCII digits, which a caller may group 3-4-4 with
spaces or hyphens, after a `+86`, `+86 `, `0086` or `86` prefix. It is stored and compared in its
11-digit national form.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

PHONE_PATTERN = r"^(\+86 ?|0086 ?|86 ?)?1[3-9][0-9]([ -]?[0-9]{4}){2}$"
"""13812341234, 138 1234 1234 or 138-1234-1234, optionally after +86, "+86 ", 0086 or 86."""

_PHONE = re.compile(PHONE_PATTERN.strip("^$"), re.ASCII)


class InvalidPhone(ValueError):
    """Not a mainland mobile number."""


def normalize_phone(raw: str) -> str:
    """The 11-digit national form of a number that matches PHONE_PATTERN, else InvalidPhone."""
    if not _PHONE.fullmatch(raw):
        raise InvalidPhone("not a mainland mobile number (1[3-9] and 9 more digits, optional +86)")
    digits = raw.replace(" ", "").replace("-", "")
    return digits[-11:] if len(digits) > 11 else digits


Phone = Annotated[
    str,
    StringConstraints(pattern=PHONE_PATTERN),
    AfterValidator(normalize_phone),
]
"""A mobile number in a request body or query: validated, then normalised to 11 digits."""
