"""The envelopes of `seller.staff_changed`, stored with the seller write that makes them."""

from __future__ import annotations

import hashlib
from datetime import datetime

from aftersales_shared.contracts import Envelope, envelope

from order_svc.domain.seller import Seller
from order_svc.domain.staff_events import staff_changes


def staff_envelopes(before: Seller, after: Seller, *, version: int, at: datetime) -> list[Envelope]:
    """One envelope per changed sub-account; ids a retry of the same write would reproduce."""
    return [
        envelope(
            type="seller.staff_changed",
            payload=change,
            occurred_at=at,
            seller_id=after.seller_id,
            id=f"staff.{_member_key(after.seller_id, change.staff_id)}.v{version}",
        )
        for change in staff_changes(before, after, version=version)
    ]


def _member_key(seller_id: str, staff_id: str) -> str:
    # two ids of up to 100 characters each would not fit an envelope id (200) side by side
    return hashlib.sha256(f"{seller_id}/{staff_id}".encode()).hexdigest()[:32]
