"""The names services import today; the bus itself lives in `aftersales_shared.messaging`."""

from aftersales_shared.contracts import REGISTRY
from aftersales_shared.messaging import (
    QUORUM,
    BatchHandler,
    Bus,
    Handler,
    Inbox,
    MessageMeta,
    Publisher,
    Received,
    Router,
    Topology,
    TypedHandler,
    Unroutable,
    delete_namespace,
    dispatcher,
    stored_form,
)
from aftersales_shared.messaging.publisher import PERSISTENT

__all__ = [
    "PERSISTENT",
    "QUORUM",
    "REGISTRY",
    "BatchHandler",
    "Bus",
    "Handler",
    "Inbox",
    "MessageMeta",
    "Publisher",
    "Received",
    "Router",
    "Topology",
    "TypedHandler",
    "Unroutable",
    "delete_namespace",
    "dispatcher",
    "stored_form",
]
