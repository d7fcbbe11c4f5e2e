"""Event and command contracts: the envelope, the payloads, the registry of routing keys."""

from aftersales_shared.contracts.envelope import Envelope, Frozen, envelope, new_id
from aftersales_shared.contracts.registry import (
    NOTICES_QUEUE,
    QUEUES,
    REGISTRY,
    SERVICES,
    MessageSpec,
    consumed_by,
    decode,
    retired_bindings,
    spec_for,
)

__all__ = [
    "NOTICES_QUEUE",
    "QUEUES",
    "REGISTRY",
    "SERVICES",
    "Envelope",
    "Frozen",
    "MessageSpec",
    "consumed_by",
    "decode",
    "envelope",
    "new_id",
    "retired_bindings",
    "spec_for",
]
