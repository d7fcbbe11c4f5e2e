"""The background worker that finishes interrupted deliveries and operators' retries."""

from __future__ import annotations

import structlog
from aftersales_shared.background import Periodic

from sms_svc.handlers.digests import Digester
from sms_svc.handlers.sending import SmsService

log = structlog.get_logger(__name__)


class Sweeper:
    """Every interval (or at once when woken), deliver the QUEUED messages nobody holds, then
    the digests of held seller warnings that the rate windows allow."""

    def __init__(self, service: SmsService, *, interval_s: float) -> None:
        self._service = service
        self._digester = Digester(service)
        self._loop = Periodic(self._round, interval_s=interval_s, name="sms-sweeper")
        self.start = self._loop.start
        self.stop = self._loop.stop

    def wake(self) -> None:
        """Look now, not at the next interval (an operator re-queued a message)."""
        self._loop.wake()

    async def _round(self) -> bool:
        done = await self._service.sweep_once()
        if done:
            log.info("sms sweep delivered queued messages", count=done)
        digests = await self._digester.digest_once()
        return bool(done or digests)
