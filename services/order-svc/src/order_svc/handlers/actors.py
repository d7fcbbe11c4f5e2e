"""Who is calling, as the domain sees them (a principal of the token made a domain actor), and
whom the main account assigns orders to."""

from __future__ import annotations

from aftersales_shared.auth import Principal, Role
from aftersales_shared.errors import NotFound, NotPermitted

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.ports import Sellers


async def actor_of(principal: Principal, sellers: Sellers) -> Actor:
    """The domain actor; a sub-account's rights come from the staff records, read now."""
    match principal.role:
        case Role.CUSTOMER:
            return Actor.customer(principal.sub)
        case Role.SELLER_ADMIN:
            assert principal.seller_id is not None
            return Actor.main(principal.sub, principal.seller_id)
        case Role.SELLER_STAFF:
            assert principal.seller_id is not None
            found = await sellers.get(principal.seller_id)
            if found is None:
                raise NotPermitted("your seller is not registered")
            return found[0].actor_for_staff(principal.sub)
        case Role.PLATFORM_AGENT:
            return Actor.platform(principal.sub)
    raise NotPermitted(f"a {principal.role} has no access to service orders")


async def staff_target(principal: Principal, sellers: Sellers, staff_id: str) -> c.AssignTo:
    """The assignee's rights as the staff records hold them (the main account assigns)."""
    if principal.role is not Role.SELLER_ADMIN or principal.seller_id is None:
        raise NotPermitted("only the seller's main account assigns orders")
    found = await sellers.get(principal.seller_id)
    if found is None:
        raise NotFound(f"seller {principal.seller_id} not found")
    member = found[0].staff.get(staff_id)
    if member is None:
        raise NotFound(f"staff {staff_id} not found among your sub-accounts")
    return c.AssignTo(
        staff_id=staff_id, permissions=member.permissions, categories=member.categories
    )
