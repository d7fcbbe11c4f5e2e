"""Who acts: customers, seller accounts (main or sub), the platform, and the system."""

from __future__ import annotations

from dataclasses import dataclass

from order_svc.domain.model import ActorKind, Permission

ALL_PERMISSIONS = frozenset(Permission)


@dataclass(frozen=True)
class Actor:
    """An authenticated caller as the domain sees it; staff rights come from the staff records."""

    id: str
    kind: ActorKind
    role: str
    seller_id: str | None = None
    main_account: bool = False
    permissions: frozenset[Permission] = frozenset()
    categories: frozenset[str] | None = None
    """None: every category (main account, platform, system)."""

    @staticmethod
    def customer(customer_id: str) -> Actor:
        """A storefront customer."""
        return Actor(id=customer_id, kind=ActorKind.CUSTOMER, role="customer")

    @staticmethod
    def main(account_id: str, seller_id: str) -> Actor:
        """A seller's main account: every permission, every category."""
        return Actor(
            id=account_id,
            kind=ActorKind.SELLER,
            role="seller_admin",
            seller_id=seller_id,
            main_account=True,
            permissions=ALL_PERMISSIONS,
        )

    @staticmethod
    def staff(
        staff_id: str,
        *,
        seller_id: str,
        permissions: frozenset[Permission],
        categories: frozenset[str],
    ) -> Actor:
        """A sub-account with the permissions and categories of its staff record."""
        return Actor(
            id=staff_id,
            kind=ActorKind.SELLER,
            role="seller_staff",
            seller_id=seller_id,
            permissions=permissions,
            categories=categories,
        )

    @staticmethod
    def platform(agent_id: str) -> Actor:
        """A platform agent (customer service, arbitration, order management callbacks)."""
        return Actor(id=agent_id, kind=ActorKind.PLATFORM, role="platform_agent")

    @staticmethod
    def system(name: str = "system") -> Actor:
        """The timers and other automatic rules."""
        return Actor(id=name, kind=ActorKind.SYSTEM, role="system")

    def sees_category(self, category: str) -> bool:
        """A sub-account sees only its categories; everyone else every category."""
        return self.categories is None or category in self.categories
