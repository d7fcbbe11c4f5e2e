"""seller.staff_changed: a message per sub-account whose rights a write changed; SMS category."""

from __future__ import annotations

from datetime import UTC, datetime

from order_builders import new_order
from order_svc.domain.model import Cmd, Permission
from order_svc.domain.notices import customer_sms
from order_svc.domain.seller import Seller, Staff, StaffChange
from order_svc.domain.staff_events import staff_changes
from order_svc.handlers.wire import outgoing, staff_envelopes

SHOP = Seller(
    seller_id="shop-1",
    name="Shop",
    cooperation_mode="SOP",
    aftersales_contact_phone="13900000000",
)
LAPTOPS = Staff(
    staff_id="ann",
    name="Ann",
    permissions=frozenset({Permission.AUDIT}),
    categories=frozenset({"laptops"}),
)


def test_adding_changing_and_removing_staff_announce_their_rights() -> None:
    with_ann = SHOP.add_staff(LAPTOPS)
    (added,) = staff_changes(SHOP, with_ann, version=2)
    assert (added.staff_id, added.categories, added.permissions) == ("ann", ["laptops"], ["AUDIT"])
    assert (added.removed, added.version, added.seller_id) == (False, 2, "shop-1")

    wider = with_ann.change_staff("ann", StaffChange(categories=frozenset({"phones", "laptops"})))
    (changed,) = staff_changes(with_ann, wider, version=3)
    assert (changed.categories, changed.version) == (["laptops", "phones"], 3)

    renamed = wider.change_staff("ann", StaffChange(name="Annie"))
    assert staff_changes(wider, renamed, version=4) == []

    (removed,) = staff_changes(renamed, renamed.remove_staff("ann"), version=5)
    assert (removed.removed, removed.categories, removed.permissions) == (True, [], [])


def test_envelope_ids_are_stable_and_fit_for_the_longest_ids() -> None:
    seller = SHOP.model_copy(update={"seller_id": "s" * 100})
    member = LAPTOPS.model_copy(update={"staff_id": "x" * 100})
    at = datetime(2026, 12, 1, tzinfo=UTC)
    first = staff_envelopes(seller, seller.add_staff(member), version=7, at=at)
    again = staff_envelopes(seller, seller.add_staff(member), version=7, at=at)
    assert [e.id for e in first] == [e.id for e in again]
    (message,) = first
    assert message.type == "seller.staff_changed"
    assert message.seller_id == "s" * 100
    assert len(message.id) <= 200
    assert message.id.endswith(".v7")


def test_an_order_sms_carries_the_order_category() -> None:
    order = new_order(category="laptops")
    (sms,) = customer_sms(Cmd.AUDIT_APPROVE_RETURN, order)
    assert outgoing(sms).payload.model_dump()["category"] == "laptops"
