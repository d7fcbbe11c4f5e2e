"""Who reads which messages: a sub-account its seller's messages of its categories, and no more."""

from __future__ import annotations

from dataclasses import dataclass

from sms_svc.domain.scope import EVERYTHING, StaffScope, seller_scope, staff_scope


def known(*categories: str, removed: bool = False) -> StaffScope:
    return StaffScope(
        seller_id="shop",
        staff_id="ann",
        categories=frozenset(categories),
        removed=removed,
        version=3,
    )


@dataclass(frozen=True)
class Message:
    seller_id: str | None
    category: str | None


LAPTOP = Message(seller_id="shop", category="laptops")
PHONE = Message(seller_id="shop", category="phones")
DIGEST = Message(seller_id="shop", category=None)
OTHER_SHOP = Message(seller_id="rival", category="laptops")


def test_staff_read_their_categories_of_their_seller_only() -> None:
    scope = staff_scope("shop", known("laptops"))
    assert scope.admits(LAPTOP)
    assert not scope.admits(PHONE)
    assert not scope.admits(OTHER_SHOP)
    assert not scope.admits(DIGEST)  # several orders, or none: the main account's


def test_unknown_removed_or_category_less_staff_read_nothing() -> None:
    for scope in (
        staff_scope("shop", None),
        staff_scope("shop", known("laptops", removed=True)),
        staff_scope("shop", known()),
    ):
        assert scope.nothing
        assert not any(scope.admits(doc) for doc in (LAPTOP, PHONE, DIGEST))


def test_main_account_reads_its_seller_and_the_platform_everything() -> None:
    main = seller_scope("shop")
    assert all(main.admits(doc) for doc in (LAPTOP, PHONE, DIGEST))
    assert not main.admits(OTHER_SHOP)
    assert all(EVERYTHING.admits(doc) for doc in (LAPTOP, PHONE, DIGEST, OTHER_SHOP))
