"""Held seller warnings go out as digests once the phone's rate window has room again.

Crash-safe without a transaction: a digest's id comes from its oldest member, so a round that
dies after the admission, the insert or the marking is finished by the next round under the
same id (the window admits an id once, the insert finds the record, the marking is repeated);
a digest recorded but not delivered is re-sent by the sweeper when its lease runs out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import structlog

from sms_svc.domain.digest import compose, digest_id, digest_message, family, held
from sms_svc.domain.message import SmsMessage
from sms_svc.domain.phone import mask_phone
from sms_svc.handlers.sending import SmsService

log = structlog.get_logger(__name__)


@dataclass
class Digester:
    service: SmsService
    scan: int = 1000
    """HELD messages read per round (oldest first)."""

    async def digest_once(self) -> int:
        """Send the digests the rate windows allow now; how many were sent or resumed."""
        waiting = await self.service.messages.held(limit=self.scan)
        groups: dict[tuple[str, str | None, str], list[SmsMessage]] = defaultdict(list)
        for m in waiting:
            groups[(m.phone, m.seller_id, family(m.template))].append(m)
        done = 0
        for messages in groups.values():
            try:
                done += await self._digest(messages)
            except Exception:
                log.exception("a digest round failed; the next round resumes it")
        return done

    async def _digest(self, waiting: list[SmsMessage]) -> int:
        """Digest one phone's, seller's, family's held warnings, oldest first, while allowed."""
        sms, done = self.service, 0
        while waiting:
            now = sms.clock.now()
            did = digest_id(waiting[0].id)
            digest = await sms.messages.get(did)
            fresh = digest is None
            if digest is None:
                composed = compose([held(m) for m in waiting])
                admission = await sms.windows.admit(waiting[0].phone, key=did, now=now)
                if not admission.allowed:
                    return done
                digest = digest_message(
                    composed, first=waiting[0], provider=sms.provider.name, now=now,
                    lease_until=now + sms.lease,
                )  # fmt: skip
                if not await sms.messages.insert(digest):
                    digest, fresh = await sms.messages.get(did), False
                    assert digest is not None
            members = list(digest.members)
            # The first member last: while any member is still HELD, the first one is, so a
            # concurrent round finds this digest by its id instead of making another.
            await sms.messages.mark_digested(members[1:], digest_id=did, now=now)
            await sms.messages.mark_digested(members[:1], digest_id=did, now=now)
            log.info(
                "seller warnings merged into a digest",
                digest_id=did, to=mask_phone(digest.phone), orders=len(members),
            )  # fmt: skip
            if fresh:
                await sms.send_recorded(digest)
            else:
                await sms.deliver(did)
            waiting = [m for m in waiting if m.id not in set(members)]
            done += 1
        return done
