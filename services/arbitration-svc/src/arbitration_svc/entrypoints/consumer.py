"""The queue's handlers: `arbitration.requested` opens a case (once per request, one per order).

The bus validates each payload with the contracts' registry before a handler sees it: one that
does not validate is dead-lettered at once, never retried."""

from __future__ import annotations

from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.messaging import MessageMeta, Router

from arbitration_svc.handlers import Cases


def message_handler(cases: Cases) -> Router:
    """This service's typed handlers, by message type."""
    router = Router()

    @router.on("arbitration.requested")
    async def on_requested(p: ArbitrationRequested, meta: MessageMeta) -> None:
        await cases.open_from(p, meta)

    return router
