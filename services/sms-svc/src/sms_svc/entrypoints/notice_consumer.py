"""The consumer of sms-svc's notices queue (`NOTICES_QUEUE`): the bus's batch mode.

Every message a notice comes from (`notice.requested`, and the `serviceorder.*` events that tell
of one) comes on a queue of its own, so a burst of notices never holds up an `sms.send`. A batch
is validated as it arrives (an invalid message goes to the dead-letter queue at once), its
notices are stored in one write and their deliveries in one more (`NoticeService.on_batch`),
then the batch is acknowledged with one multiple-ack. A batch that fails goes back to the queue
whole after a pause: each notice is stored once however often its message comes.
"""

from __future__ import annotations

from aftersales_shared.contracts import NOTICES_QUEUE, consumed_by
from aftersales_shared.messaging import BatchHandler, Bus
from aftersales_shared.messaging.batch import BatchConsumer
from aftersales_shared.messaging.middleware import pausing_on_failure

from sms_svc.handlers.notices import NoticeService

FAILED_PAUSE_S = 1.0
"""How long a batch that failed waits before it goes back to the queue."""


def on_batch(notices: NoticeService) -> BatchHandler:
    return pausing_on_failure(notices.on_batch, pause_s=FAILED_PAUSE_S, what="notices not stored")


async def consume(
    bus: Bus, notices: NoticeService, *, size: int, delay_s: float, in_flight: int
) -> BatchConsumer:
    """Start consuming the notices queue (the bus drains it when it stops consuming)."""
    return await bus.consume_batches(
        on_batch(notices),
        size=size,
        delay_s=delay_s,
        in_flight=in_flight,
        types=[spec.type for spec in consumed_by(NOTICES_QUEUE)],
        queue=NOTICES_QUEUE,
    )
