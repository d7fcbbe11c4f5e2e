"""How a versioned document is stored: its data, its version, and the messages it still owes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.stored import stored_form
from aftersales_shared.persistence.client import Doc

VERSION = "_v"
OUTBOX = "_outbox"
PENDING = "_outbox_pending"
SINCE = "_outbox_at"
AT = "at"
"""In an outbox entry: when its write was committed (wall clock, ms), for the relay's lag."""


@dataclass
class Versioned:
    """A stored document, the version it was read at, and its unpublished messages."""

    data: Doc
    version: int
    outbox: list[Doc] = field(default_factory=list)
    parsed: Any = None
    """The adapter's domain object made from `data`, kept with it in the write cache."""


def stamp(version: int, outbox: list[Doc], at: int | None = None) -> Doc:
    """The bookkeeping fields of a write: version, messages, and since when they wait."""
    since = wall_ms() if at is None else at
    return {VERSION: version, OUTBOX: outbox, PENDING: bool(outbox), SINCE: since}


def wall_ms() -> int:
    return int(time.time() * 1000)


def dump(message: Envelope, at: int | None = None) -> Doc:
    """A message as the outbox keeps it: the body serialized once, at the write (`at`)."""
    stored = stored_form(message)
    if at is not None:
        stored[AT] = at
    return stored


def publishable(stored: Doc) -> Doc:
    """An outbox entry with its body (entries written before bodies were kept are whole)."""
    return stored if "body" in stored else dump(Envelope.model_validate(stored))


def split(raw: Doc) -> Versioned:
    """A stored document as data, version and outbox (the bookkeeping fields taken out)."""
    version = int(raw.pop(VERSION, 0))
    outbox = list(raw.pop(OUTBOX, []) or [])
    raw.pop(PENDING, None)
    raw.pop(SINCE, None)
    return Versioned(data=raw, version=version, outbox=outbox)
