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
from aftersales_shared.persistence import Doc

from sms_svc.domain.digest import Held, compose, digest_id
from sms_svc.domain.phone import mask_phone
from sms_svc.handlers import SmsService
from sms_svc.records import digest_record

log = structlog.get_logger(__name__)


def as_held(doc: Doc) -> Held:
    """A HELD record as the digest sees it."""
    params = doc.get("params") or {}
    return Held(
        message_id=str(doc["_id"]),
        order_no=str(params.get("order_no") or doc.get("order_id") or doc["_id"]),
        days_left=int(params.get("days_left") or 0),
    )


@dataclass
class Digester:
    service: SmsService
    scan: int = 1000
    """HELD messages read per round (oldest first)."""

    async def digest_once(self) -> int:
        """Send the digests the rate windows allow now; how many were sent or resumed."""
        held = await self.service.messages.held(limit=self.scan)
        groups: dict[tuple[str, str | None], list[Doc]] = defaultdict(list)
        for doc in held:
            groups[(doc["phone"], doc.get("seller_id"))].append(doc)
        done = 0
        for docs in groups.values():
            try:
                done += await self._digest(docs)
            except Exception:
                log.exception("a digest round failed; the next round resumes it")
        return done

    async def _digest(self, held: list[Doc]) -> int:
        """Digest one phone's and seller's held warnings, oldest first, while the window allows."""
        sms, done = self.service, 0
        while held:
            now = sms.now_ms()
            did = digest_id(str(held[0]["_id"]))
            doc = await sms.messages.get(did)
            fresh = doc is None
            if doc is None:
                digest = compose([as_held(d) for d in held])
                admission = await sms.windows.admit(held[0]["phone"], key=did, now_ms=now)
                if not admission.allowed:
                    return done
                doc = digest_record(
                    digest, first=held[0], provider=sms.provider.name, now=now,
                    lease_until=now + sms.lease_ms,
                )  # fmt: skip
                if not await sms.messages.insert(doc):
                    doc, fresh = await sms.messages.get(did), False
                    assert doc is not None
            members = [str(m) for m in doc["members"]]
            # The first member last: while any member is still HELD, the first one is, so a
            # concurrent round finds this digest by its id instead of making another.
            await sms.messages.mark_digested(members[1:], digest_id=did, now_ms=now)
            await sms.messages.mark_digested(members[:1], digest_id=did, now_ms=now)
            log.info(
                "seller warnings merged into a digest",
                digest_id=did, to=mask_phone(doc["phone"]), orders=len(members),
            )  # fmt: skip
            if fresh:
                await sms.send_recorded(doc)
            else:
                await sms.deliver(did)
            held = [d for d in held if d["_id"] not in set(members)]
            done += 1
        return done
