"""Sub-accounts read the log of their categories, as order-svc announces them over the broker."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
from aftersales_shared.auth import Role
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import StaffChanged
from aftersales_testkit import bearer, eventually
from prometheus_client import REGISTRY

from .conftest import Sms, StartSms

pytestmark = pytest.mark.integration


def staff_changes_handled() -> float:
    """seller.staff_changed messages this process has handled and acknowledged so far."""
    value = REGISTRY.get_sample_value(
        "bus_messages_handled_total", {"type": "seller.staff_changed", "result": "ok"}
    )
    return value or 0.0


async def announce(
    sms: Sms, seller: str, staff: str, *categories: str, version: int, removed: bool = False
) -> None:
    """Publish a seller.staff_changed as order-svc's relay would."""
    payload = StaffChanged(
        seller_id=seller,
        staff_id=staff,
        categories=sorted(categories),
        permissions=["AUDIT"],
        removed=removed,
        version=version,
    )
    await sms.runtime.bus.publish(
        envelope(
            type="seller.staff_changed",
            payload=payload,
            occurred_at=datetime.now(UTC),
            seller_id=seller,
        )
    )


async def visible(sms: Sms, headers: dict[str, str]) -> set[str]:
    response = await sms.client.get("/v1/messages", headers=headers)
    assert response.status_code == 200, response.text
    return {m["id"] for m in response.json()["items"]}


async def one(sms: Sms, mid: str, headers: dict[str, str]) -> int:
    return (await sms.client.get(f"/v1/messages/{mid}", headers=headers)).status_code


async def test_staff_see_their_categories_only(start_sms: StartSms, unique: str) -> None:
    shop, rival = f"shop-{unique}", f"rival-{unique}"
    ann = bearer(Role.SELLER_STAFF, sub="ann", seller_id=shop)
    stranger = bearer(Role.SELLER_STAFF, sub="nobody", seller_id=shop)
    boss = bearer(Role.SELLER_ADMIN, sub="boss", seller_id=shop)
    async with start_sms() as sms:
        await announce(sms, shop, "ann", "laptops", version=2)
        sent: dict[str, str] = {}
        for name, seller, category in (
            ("laptop", shop, "laptops"),
            ("phone", shop, "phones"),
            ("seller-level", shop, None),
            ("rival-laptop", rival, "laptops"),
        ):
            sent[name] = await send(sms, f"{unique}-{name}", seller=seller, category=category)
        for mid in sent.values():
            await sms.settled(mid)
        found = await sms.get(sent["laptop"])
        assert found is not None
        assert found["category"] == "laptops"

        async def ann_sees_laptops() -> set[str]:
            return await visible(sms, ann)

        assert await eventually(ann_sees_laptops, what="ann's scope") == {sent["laptop"]}
        assert await one(sms, sent["laptop"], ann) == 200
        for other in ("phone", "seller-level", "rival-laptop"):
            assert await one(sms, sent[other], ann) == 404, other
        assert await visible(sms, stranger) == set()  # never announced: nothing, not everything
        assert await one(sms, sent["laptop"], stranger) == 404
        assert await visible(sms, boss) == {sent["laptop"], sent["phone"], sent["seller-level"]}


async def test_a_late_older_change_never_overwrites_a_newer_one(
    start_sms: StartSms, unique: str
) -> None:
    shop = f"shop-{unique}"
    ann = bearer(Role.SELLER_STAFF, sub="ann", seller_id=shop)
    async with start_sms() as sms:
        laptop = await send(sms, f"{unique}-l", seller=shop, category="laptops")
        phone = await send(sms, f"{unique}-p", seller=shop, category="phones")
        await sms.settled(laptop)
        await sms.settled(phone)
        before = staff_changes_handled()
        await announce(sms, shop, "ann", "phones", version=5)
        await announce(sms, shop, "ann", "laptops", version=4)  # older, arrives after

        async def both_handled() -> bool:
            return staff_changes_handled() >= before + 2

        await eventually(both_handled, what="both staff changes handled")
        assert await visible(sms, ann) == {phone}

        await announce(sms, shop, "ann", version=6, removed=True)

        async def removed() -> bool:
            return await visible(sms, ann) == set()

        await eventually(removed, what="the removal applied")
        assert await one(sms, phone, ann) == 404
        await announce(sms, shop, "ann", "phones", "laptops", version=5)  # a redelivery

        async def handled_again() -> bool:
            return staff_changes_handled() >= before + 4

        await eventually(handled_again, what="the redelivered change handled")
        assert await visible(sms, ann) == set()


async def send(sms: Sms, key: str, *, seller: str, category: str | None) -> str:
    """An SMS about an order of `category` (None: about no single order)."""
    extra: dict[str, Any] = {"category": category} if category else {"order_id": None}
    return await sms.send(
        key=key,
        recipient=f"135{zlib.crc32(key.encode()) % 10**8:08d}",  # a phone each: no rate limit
        template="RETURN_APPROVED",
        params={"order_no": "SO1"},
        seller_id=seller,
        **extra,
    )
