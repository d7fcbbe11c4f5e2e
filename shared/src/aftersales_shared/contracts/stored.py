"""The stored form of a message: what an outbox keeps and the bus publishes."""

from __future__ import annotations

from typing import Any

from aftersales_shared.contracts.envelope import Envelope


def stored_form(message: Envelope) -> dict[str, Any]:
    """A message as an outbox keeps it and the bus publishes it: the body serialized once."""
    return {
        "id": message.id,
        "type": message.type,
        "correlation_id": message.correlation_id,
        "body": message.model_dump_json(),
    }
