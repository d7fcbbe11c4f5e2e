"""sms-svc's copy of the sub-accounts' categories, kept from order-svc's `seller.staff_changed`."""

from __future__ import annotations

from aftersales_shared.persistence import Doc
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from sms_svc.domain.scope import StaffScope


def _key(seller_id: str, staff_id: str) -> str:
    return f"{seller_id}/{staff_id}"  # "/" is in neither id's pattern


class StaffScopes:
    """One document per sub-account, replaced only by a higher version."""

    def __init__(self, collection: AsyncCollection[Doc]) -> None:
        self._c = collection

    async def get(self, seller_id: str, staff_id: str) -> StaffScope | None:
        """The kept scope of one sub-account; None if order-svc never announced it."""
        doc = await self._c.find_one({"_id": {"$eq": _key(seller_id, staff_id)}})
        if doc is None:
            return None
        return StaffScope(
            seller_id=str(doc["seller_id"]),
            staff_id=str(doc["staff_id"]),
            categories=frozenset(str(c) for c in doc.get("categories", [])),
            removed=bool(doc["removed"]),  # the development store keeps booleans as 0/1
            version=int(doc["version"]),
        )

    async def keep(self, scope: StaffScope) -> bool:
        """Store `scope` unless the same or a newer version is stored; whether it was stored.

        One conditional upsert: with a newer version stored the filter matches nothing and the
        insert it falls back to meets the existing id (duplicate key), so nothing is written.
        """
        fields = {
            "seller_id": scope.seller_id,
            "staff_id": scope.staff_id,
            "categories": sorted(scope.categories),
            "removed": scope.removed,
            "version": scope.version,
        }
        key = _key(scope.seller_id, scope.staff_id)
        try:
            await self._c.update_one(
                {"_id": {"$eq": key}, "version": {"$lt": scope.version}},
                {"$set": fields},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True
