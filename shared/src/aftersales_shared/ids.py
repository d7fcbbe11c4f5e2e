"""What callers send as ids and one-line values: printable, bounded, one documented pattern each.

An id is stored, used as a filter value and echoed in messages and headers: no control
characters (a NUL is an invalid BSON key), no spaces, at most 100 characters.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$"
"""Letters, digits and `_ . : @ -`, starting with a letter or digit; 1 to 100 characters."""
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_:@-]{0,99}$"
"""An id that is also a document key (a staff id): the same without the dot."""

LINE_PATTERN = r"^[^\x00-\x1f\x7f]+$"
"""A one-line value (a name, a tracking number): any character but a control character."""
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"
"""Free text: line breaks and tabs allowed, no other control character."""

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
KeyId = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]

_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"), re.ASCII)


def is_id(value: object) -> bool:
    """True for a string that matches ID_PATTERN in full."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None
