"""MongoDB through PyMongo's async API, one idea per module: the client, versioned documents
(compare-and-set, with their cache), the outbox relay, the inbox, the idempotency store.

Nothing here imports messaging: the relay publishes through the `Publisher` protocol (ports)."""

from aftersales_shared.persistence.client import Doc, connect_mongo, ping
from aftersales_shared.persistence.documents import Versioned
from aftersales_shared.persistence.idempotency import IdempotencyStore, StoredResponse
from aftersales_shared.persistence.inbox import MongoInbox
from aftersales_shared.persistence.outbox import OutboxRelay
from aftersales_shared.persistence.versioned import VersionedCollection, Written

__all__ = [
    "Doc",
    "IdempotencyStore",
    "MongoInbox",
    "OutboxRelay",
    "StoredResponse",
    "Versioned",
    "VersionedCollection",
    "Written",
    "connect_mongo",
    "ping",
]
