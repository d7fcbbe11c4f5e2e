"""What a seller write changes in its sub-accounts' rights (sent as `seller.staff_changed`)."""

from __future__ import annotations

from order_svc.domain.events import StaffRightsChanged
from order_svc.domain.seller import Seller, Staff


def staff_changes(before: Seller, after: Seller, *, version: int) -> list[StaffRightsChanged]:
    """One message per sub-account added, changed or removed by the write that makes `version`."""
    ids = sorted(before.staff.keys() | after.staff.keys())
    return [
        _changed(after.seller_id, staff_id, after.staff.get(staff_id), version=version)
        for staff_id in ids
        if _rights(before.staff.get(staff_id)) != _rights(after.staff.get(staff_id))
    ]


def _rights(member: Staff | None) -> tuple[frozenset[str], frozenset[str]] | None:
    if member is None:
        return None
    return frozenset(member.categories), frozenset(p.value for p in member.permissions)


def _changed(
    seller_id: str, staff_id: str, member: Staff | None, *, version: int
) -> StaffRightsChanged:
    return StaffRightsChanged(
        seller_id=seller_id,
        staff_id=staff_id,
        categories=sorted(member.categories) if member else [],
        permissions=sorted(p.value for p in member.permissions) if member else [],
        removed=member is None,
        version=version,
    )
