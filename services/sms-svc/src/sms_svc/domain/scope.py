"""Who reads which part of the delivery log: the platform all, a seller its own, staff theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StaffScope:
    """A sub-account's categories as order-svc last announced them (`seller.staff_changed`)."""

    seller_id: str
    staff_id: str
    categories: frozenset[str]
    removed: bool
    version: int


class Scoped(Protocol):
    """What a scope looks at in a message (`SmsMessage` is one)."""

    @property
    def seller_id(self) -> str | None: ...

    @property
    def category(self) -> str | None: ...


@dataclass(frozen=True)
class Scope:
    """The messages a caller may read; `seller_id` / `categories` None mean any."""

    seller_id: str | None = None
    categories: frozenset[str] | None = None
    nothing: bool = False

    def admits(self, message: Scoped) -> bool:
        """Whether one message is inside this scope."""
        if self.nothing:
            return False
        if self.seller_id is not None and message.seller_id != self.seller_id:
            return False
        return self.categories is None or message.category in self.categories


EVERYTHING = Scope()
NOTHING = Scope(nothing=True)


def seller_scope(seller_id: str | None) -> Scope:
    """A main account: every message of its seller (those about no single order too)."""
    return NOTHING if seller_id is None else Scope(seller_id=seller_id)


def staff_scope(seller_id: str | None, known: StaffScope | None) -> Scope:
    """A sub-account: its seller's messages of its categories; nothing if unknown or removed.

    A message without a category (a digest of several orders, a seller-level SMS) is for the
    main account only, so no category set ever admits it.
    """
    if seller_id is None or known is None or known.removed or not known.categories:
        return NOTHING
    return Scope(seller_id=seller_id, categories=known.categories)
