"""The message envelope every event and command travels in."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Kind = Literal["event", "command"]


class Frozen(BaseModel):
    """Base of every contract model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Envelope(Frozen):
    """What travels on the bus: who, what, when, for which seller, in which conversation."""

    id: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=100)
    version: int = Field(default=1, ge=1)
    occurred_at: AwareDatetime
    seller_id: str | None = None
    correlation_id: str = Field(min_length=1, max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict)


def new_id() -> str:
    """A fresh random message id."""
    return uuid.uuid4().hex


def envelope(
    *,
    type: str,
    payload: Frozen,
    occurred_at: datetime,
    seller_id: str | None,
    correlation_id: str | None = None,
    id: str | None = None,
) -> Envelope:
    """Wrap a payload, checking that its type is registered and the payload is the right model."""
    from aftersales_shared.contracts.registry import spec_for

    message_type = type
    spec = spec_for(message_type)
    expected: builtins.type[Frozen] = spec.payload
    if not isinstance(payload, expected):
        raise TypeError(f"{message_type} carries {expected}, not {payload.__class__.__name__}")
    message_id = id or new_id()
    return Envelope(
        id=message_id,
        type=message_type,
        version=spec.version,
        occurred_at=occurred_at,
        seller_id=seller_id,
        correlation_id=correlation_id or message_id,
        payload=payload.model_dump(mode="json"),
    )
