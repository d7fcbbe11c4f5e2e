"""Sellers and their staff: at most 10 sub-accounts, each with permissions and categories."""

from __future__ import annotations

from typing import Annotated

from aftersales_shared.errors import Conflict, NotFound
from aftersales_shared.ids import Id, KeyId
from aftersales_shared.phones import Phone
from pydantic import BaseModel, ConfigDict, Field

from order_svc.domain.actors import Actor
from order_svc.domain.model import CooperationMode, Permission
from order_svc.domain.unique import Distinct

MAX_STAFF = 10
Category = Annotated[str, Field(min_length=1, max_length=100)]


class Staff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: KeyId
    name: str = Field(min_length=1, max_length=100)
    permissions: Distinct[Permission] = frozenset()
    categories: Distinct[Category] = Field(default=frozenset(), max_length=100)


class StaffChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    permissions: Distinct[Permission] | None = None
    categories: Distinct[Category] | None = Field(default=None, max_length=100)


class Seller(BaseModel):
    seller_id: Id
    name: str = Field(min_length=1, max_length=200)
    cooperation_mode: CooperationMode
    aftersales_contact_phone: Phone
    staff: dict[str, Staff] = Field(default_factory=dict)

    def add_staff(self, member: Staff) -> Seller:
        """A new sub-account; at most MAX_STAFF, ids unique within the seller."""
        if member.staff_id in self.staff:
            raise Conflict(f"staff {member.staff_id} exists already")
        if len(self.staff) >= MAX_STAFF:
            raise Conflict(f"a seller has at most {MAX_STAFF} sub-accounts")
        return self.model_copy(update={"staff": {**self.staff, member.staff_id: member}})

    def change_staff(self, staff_id: str, change: StaffChange) -> Seller:
        """New name, permissions or categories for a sub-account; effective at once."""
        current = self.member(staff_id)
        updated = current.model_copy(update=change.model_dump(exclude_none=True))
        return self.model_copy(update={"staff": {**self.staff, staff_id: updated}})

    def remove_staff(self, staff_id: str) -> Seller:
        """Remove a sub-account; it loses every right at once."""
        self.member(staff_id)
        return self.model_copy(
            update={"staff": {k: v for k, v in self.staff.items() if k != staff_id}}
        )

    def member(self, staff_id: str) -> Staff:
        """The staff record, or 404."""
        try:
            return self.staff[staff_id]
        except KeyError:
            raise NotFound(f"staff {staff_id} not found") from None

    def actor_for_staff(self, staff_id: str) -> Actor:
        """The domain actor of a sub-account, rights read from its record (none if removed)."""
        member = self.staff.get(staff_id)
        return Actor.staff(
            staff_id,
            seller_id=self.seller_id,
            permissions=member.permissions if member else frozenset(),
            categories=member.categories if member else frozenset(),
        )
