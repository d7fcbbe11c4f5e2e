"""Use cases of sellers and their staff (the main account manages its sub-accounts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aftersales_shared.auth import Principal, Role
from aftersales_shared.clock import Clock
from aftersales_shared.errors import NotFound, NotPermitted
from aftersales_shared.phones import Phone
from pydantic import BaseModel, ConfigDict, Field

from order_svc.domain.seller import Seller, Staff, StaffChange
from order_svc.handlers.wire import staff_envelopes
from order_svc.ports import Sellers


class SellerChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    aftersales_contact_phone: Phone | None = None


@dataclass
class SellerService:
    sellers: Sellers
    clock: Clock

    async def create(self, principal: Principal, seller: Seller) -> Seller:
        """Register a seller (platform only); 409 if the id is taken."""
        if principal.role is not Role.PLATFORM_AGENT:
            raise NotPermitted("only the platform registers sellers")
        if seller.staff:
            seller = seller.model_copy(update={"staff": {}})
        await self.sellers.add(seller)
        return seller

    async def get(self, principal: Principal, seller_id: str) -> Seller:
        """The seller as its own accounts or the platform see it; 404 for anyone else."""
        if principal.role is not Role.PLATFORM_AGENT and principal.seller_id != seller_id:
            raise NotFound(f"seller {seller_id} not found")
        found = await self.sellers.get(seller_id)
        if found is None:
            raise NotFound(f"seller {seller_id} not found")
        return found[0]

    async def update(self, principal: Principal, seller_id: str, change: SellerChange) -> Seller:
        """Name or after-sales contact phone: that seller's main account or the platform."""
        if principal.role not in (Role.PLATFORM_AGENT, Role.SELLER_ADMIN):
            raise NotPermitted("only the main account or the platform may change a seller")
        return await self._change(
            principal,
            seller_id,
            lambda s: s.model_copy(update=change.model_dump(exclude_none=True)),
        )

    async def add_staff(self, principal: Principal, seller_id: str, member: Staff) -> Seller:
        """A new sub-account (at most 10)."""
        self._main_only(principal)
        return await self._change(principal, seller_id, lambda s: s.add_staff(member))

    async def change_staff(
        self, principal: Principal, seller_id: str, staff_id: str, change: StaffChange
    ) -> Seller:
        """New permissions, categories or name; effective for the next request."""
        self._main_only(principal)
        return await self._change(principal, seller_id, lambda s: s.change_staff(staff_id, change))

    async def remove_staff(self, principal: Principal, seller_id: str, staff_id: str) -> Seller:
        self._main_only(principal)
        return await self._change(principal, seller_id, lambda s: s.remove_staff(staff_id))

    async def list_staff(self, principal: Principal, seller_id: str) -> list[Staff]:
        self._main_only(principal)
        return list((await self.get(principal, seller_id)).staff.values())

    @staticmethod
    def _main_only(principal: Principal) -> None:
        if principal.role is not Role.SELLER_ADMIN:
            raise NotPermitted("only the seller's main account manages its staff")

    async def _change(
        self, principal: Principal, seller_id: str, change: Callable[[Seller], Seller]
    ) -> Seller:
        if principal.role is not Role.PLATFORM_AGENT and principal.seller_id != seller_id:
            raise NotFound(f"seller {seller_id} not found")
        found = await self.sellers.get(seller_id)
        if found is None:
            raise NotFound(f"seller {seller_id} not found")
        seller, current = found
        updated = change(seller)
        messages = staff_envelopes(
            seller, updated, version=current.version + 1, at=self.clock.now()
        )
        await self.sellers.save(current, updated, messages=messages)
        return updated
