"""The bus on RabbitMQ, one idea per module: topology, connection, publisher, consumer (and its
batch mode), the middleware around handlers, typed handlers, broadcast, namespace deletion."""

from aftersales_shared.contracts.stored import stored_form
from aftersales_shared.messaging.batch import BatchHandler
from aftersales_shared.messaging.bus import Bus
from aftersales_shared.messaging.delivery import Delivery, MessageMeta, Outcome, Received, Typed
from aftersales_shared.messaging.handlers import Handler, Router, TypedHandler, dispatcher
from aftersales_shared.messaging.middleware import pipeline
from aftersales_shared.messaging.namespace import delete_namespace
from aftersales_shared.messaging.publisher import Unroutable
from aftersales_shared.messaging.topology import QUORUM, Topology
from aftersales_shared.ports import Inbox, Publisher

__all__ = [
    "QUORUM",
    "BatchHandler",
    "Bus",
    "Delivery",
    "Handler",
    "Inbox",
    "MessageMeta",
    "Outcome",
    "Publisher",
    "Received",
    "Router",
    "Topology",
    "Typed",
    "TypedHandler",
    "Unroutable",
    "delete_namespace",
    "dispatcher",
    "pipeline",
    "stored_form",
]
