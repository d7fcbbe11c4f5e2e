"""The `log` provider (development): records each SMS as delivered; prints no phone number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog

from sms_svc.domain.phone import mask_phone
from sms_svc.ports import Attempt, Delivery, OutgoingSms

log = structlog.get_logger(__name__)


class LogProvider:
    name = "log"

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._now = clock

    async def send(self, sms: OutgoingSms) -> Delivery:
        """Log the masked phone and the text, and call it delivered."""
        log.info(
            "sms delivered (log provider)",
            message_id=sms.message_id,
            to=mask_phone(sms.phone),
            text=sms.text,
        )
        attempt = Attempt(at=self._now(), duration_ms=0, outcome="ok", answer="logged")
        return Delivery(ok=True, attempts=(attempt,), provider_ref=f"log-{sms.message_id}")

    async def close(self) -> None:
        """Nothing to release."""
