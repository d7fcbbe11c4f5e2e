"""The seller's notices a closed week asks sms-svc for (`notice.requested`): `BOTTOM10_WARNING`
for a second week running in the Bottom-10 (`Ranked.warned`), and `FINED` with the amount and the
orders of each seller's penalty lines (`domain/penalties.py`). Stored with the closing, published
by the outbox like `metrics.week_closed`; each id and `notice_key` is derived, so a repeat of the
closing or of its publication is one notice."""

from __future__ import annotations

from datetime import datetime

from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_shared.money import show_fen

from metrics_svc.domain.penalties import fined_orders, penalty_lines, total_fen
from metrics_svc.domain.ranking import Ranked
from metrics_svc.domain.weeks import shift_week, week_end
from metrics_svc.ports import FactStore, StoredFact


async def week_notices(
    store: FactStore, week: str, ranking: list[Ranked], *, now: datetime
) -> list[Envelope]:
    """The Bottom-10 warnings and the fines of a week that closes now."""
    by_seller: dict[str, list[StoredFact]] = {}
    for stored in await store.penalty_facts(week, seller_id=None):
        by_seller.setdefault(stored.fact.seller_id, []).append(stored)
    notices = [
        NoticeRequested(
            notice_key=f"BOTTOM10_WARNING:{r.card.seller_id}:{week}",
            seller_id=r.card.seller_id,
            kind="BOTTOM10_WARNING",
            week=week,
            streak=r.streak,
            due_at=week_end(shift_week(week, 1)),  # the end of the week that would escalate
        )
        for r in ranking
        if r.warned
    ]
    for seller, facts in sorted(by_seller.items()):
        lines = penalty_lines(f.fact for f in facts)
        if total_fen(lines) > 0:
            notices.append(
                NoticeRequested(
                    notice_key=f"FINED:{seller}:{week}",
                    seller_id=seller,
                    kind="FINED",
                    week=week,
                    amount=show_fen(total_fen(lines)),
                    order_ids=fined_orders(lines),
                )
            )
    return [
        envelope(
            type="notice.requested",
            payload=n,
            occurred_at=now,
            seller_id=n.seller_id,
            id=f"notice.requested:{n.notice_key}",
        )
        for n in notices
    ]
