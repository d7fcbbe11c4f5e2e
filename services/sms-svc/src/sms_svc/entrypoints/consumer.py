"""The consumer of sms-svc's queue, one handler per message type.

`seller.staff_changed` is typed: a payload that does not validate never reaches the handler, the
bus dead-letters it at once. `sms.send` takes the envelope as it came, so that a malformed
command is recorded REJECTED in the delivery log (never lost, never retried; see
`handlers.sending.SmsService.on_send`). The messages a notice comes from have a queue of their
own (`entrypoints.notice_consumer`); they are handled here too, typed, one at a time, for those a
broker still routes to this queue (queued before that queue existed, or by an old binding).

No inbox of envelope ids: the delivery log, keyed by the command's idempotency key, is the
de-duplication (stronger, and two store round trips a message cheaper); a notice's id is derived
from its key, and its webhook delivery and SMS from the notice's id. Staff changes are ordered by
their version, so a repeat is harmless without an inbox too.
"""

from __future__ import annotations

from aftersales_shared.contracts.messages import StaffChanged
from aftersales_shared.contracts.notices import NOTICE_ORDER_EVENTS
from aftersales_shared.messaging import MessageMeta, Router

from sms_svc.handlers.notices import NoticeService
from sms_svc.handlers.sending import SmsService
from sms_svc.handlers.staff import StaffDirectory


def consumer(service: SmsService, directory: StaffDirectory, notices: NoticeService) -> Router:
    router = Router()
    router.add_envelope("sms.send", service.on_send)
    router.add("notice.requested", notices.on_requested)
    for name in NOTICE_ORDER_EVENTS:
        router.add(f"serviceorder.{name}", notices.on_order_event)

    @router.on("seller.staff_changed")
    async def on_staff_changed(p: StaffChanged, meta: MessageMeta) -> None:
        await directory.staff_changed(p)

    return router
