"""Lists of distinct items: a duplicate is refused (422), as `uniqueItems` in OpenAPI says."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BeforeValidator

T = TypeVar("T")


def distinct(raw: object) -> object:
    """The raw list unchanged when its items are distinct; a clear error naming a duplicate."""
    if isinstance(raw, list):
        seen: set[object] = set()
        for item in raw:
            if isinstance(item, str):
                if item in seen:
                    raise ValueError(f"{item!r} is listed twice; list each once")
                seen.add(item)
    return raw


Distinct = Annotated[frozenset[T], BeforeValidator(distinct)]
"""A set sent as a JSON array whose items are all different."""
