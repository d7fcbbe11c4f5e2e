"""The seller's notices over the real broker: each once however often its message arrives,
derived from the order events or asked for, read per seller, and warnings as SMS digests."""

from __future__ import annotations

import random
from typing import Any

import pytest
from aftersales_shared.auth import Role
from aftersales_shared.clock import VirtualClock
from aftersales_testkit import bearer, eventually
from sms_svc.adapters.fake_endpoint import FakeEndpoint

from .conftest import PLATFORM, StartSms
from .notices_kit import admin, hooked, notices, order_event, request_notice, settled
from .test_digest import log_of
from .test_staff_scope import announce

pytestmark = pytest.mark.integration


async def test_each_notice_once_after_redelivery_of_its_message(
    start_sms: StartSms, unique: str
) -> None:
    seller, endpoint = f"s-{unique}", FakeEndpoint()
    async with hooked(start_sms, endpoint, seller) as sms:
        for envelope_id in (f"e1-{unique}", f"e1-{unique}", f"e2-{unique}"):
            await request_notice(sms, seller, f"AUDIT_DUE_SOON:{unique}", envelope_id=envelope_id)
            await order_event(
                sms, "auto_refunded", envelope_id=f"ar-{envelope_id}", seller_id=seller,
                order_id=f"o-{unique}", refund_amount="199.00", outcome="AUTO_REFUND",
            )  # fmt: skip

        async def both() -> dict[str, Any] | None:
            page = await notices(sms, seller_id=seller)
            return page if len(page["items"]) >= 2 else None

        await eventually(both, what="two notices")
        await settled(sms, seller, "DELIVERED")

        async def handled() -> bool:
            return len(endpoint.arrivals) >= 2

        await eventually(handled, what="both posted")
        page = await notices(sms, seller_id=seller)
    assert sorted(n["kind"] for n in page["items"]) == ["AUDIT_DUE_SOON", "AUTO_REFUNDED"]
    refunded = next(n for n in page["items"] if n["kind"] == "AUTO_REFUNDED")
    assert refunded["facts"]["amount"] == "199.00"
    assert "199.00" in refunded["text"]
    assert len(endpoint.of(seller)) == 2, "one POST per notice"


async def test_notices_after_the_fact_come_from_the_order_events(
    start_sms: StartSms, unique: str
) -> None:
    seller = f"s-{unique}"
    async with start_sms() as sms:
        common = {"seller_id": seller, "order_id": f"o-{unique}", "order_no": "SO77"}
        await order_event(
            sms, "processed", envelope_id=f"p-{unique}", outcome="EXCHANGE",
            exchange_order_id=f"XO-1-o-{unique}", data={"exchange_sku": "sku-9"}, **common,
        )  # fmt: skip
        await order_event(
            sms, "pre_compensated", envelope_id=f"pc-{unique}", charged_to_seller="88.00", **common
        )
        await order_event(
            sms, "ruling_applied", envelope_id=f"r-{unique}", outcome="CLAIM_REJECTED",
            data={"ruling": "CLAIM_REJECTED", "case_id": "c1"}, **common,
        )  # fmt: skip
        await order_event(sms, "audited", envelope_id=f"a-{unique}", **common)
        await request_notice(
            sms, seller, f"FINED:{seller}:2026-W48", kind="FINED", amount="4000.00",
            order_ids=["o-1", "o-2"], order_id=None, order_no=None, week="2026-W48",
        )  # fmt: skip

        async def four() -> dict[str, Any] | None:
            page = await notices(sms, seller_id=seller)
            return page if len(page["items"]) == 4 else None

        page = await eventually(four, what="four notices")
    kinds = {n["kind"]: n for n in page["items"]}
    assert set(kinds) == {"EXCHANGE_ORDER_CREATED", "PRE_COMPENSATED", "RULED", "FINED"}
    assert kinds["EXCHANGE_ORDER_CREATED"]["facts"]["exchange_order_no"] == f"XO-1-o-{unique}"
    assert f"XO-1-o-{unique}" in kinds["EXCHANGE_ORDER_CREATED"]["text"]
    assert kinds["PRE_COMPENSATED"]["facts"]["amount"] == "88.00"
    assert kinds["RULED"]["facts"]["outcome"] == "CLAIM_REJECTED"
    assert kinds["FINED"]["order_ids"] == ["o-1", "o-2"]
    assert "4000.00" in kinds["FINED"]["text"]
    assert all(n["due_at"] is None for n in page["items"])


async def test_a_seller_reads_its_own_notices_newest_first_in_pages(
    start_sms: StartSms, unique: str
) -> None:
    mine, theirs = f"a-{unique}", f"b-{unique}"
    ann = bearer(Role.SELLER_STAFF, sub="ann", seller_id=mine)
    async with start_sms() as sms:
        await announce(sms, mine, "ann", "laptops", version=1)
        for n in range(3):
            await request_notice(sms, mine, f"{unique}-{n}", category="laptops")
        await request_notice(sms, mine, f"{unique}-p", category="phones")
        await request_notice(sms, theirs, f"{unique}-t")

        async def five() -> bool:
            return len((await notices(sms))["items"]) >= 5

        await eventually(five, what="five notices")
        first = await notices(sms, admin(mine), limit="2")
        second = await notices(sms, admin(mine), limit="2", cursor=first["next_cursor"])
        assert second["next_cursor"] is None
        seen = first["items"] + second["items"]
        assert len(seen) == 4
        assert {n["seller_id"] for n in seen} == {mine}
        ats = [n["at"] for n in seen]
        assert ats == sorted(ats, reverse=True)
        assert len((await notices(sms, admin(mine), kind="AUDIT_DUE_SOON"))["items"]) == 4
        assert (await notices(sms, admin(mine), kind="FINED"))["items"] == []
        only = await sms.client.get(
            "/v1/notices", params={"seller_id": theirs}, headers=admin(mine)
        )
        assert only.status_code == 403
        assert len((await notices(sms, ann))["items"]) == 3, "staff: their categories"
        assert len((await notices(sms, PLATFORM, seller_id=theirs))["items"]) == 1
        customer = await sms.client.get("/v1/notices", headers=bearer(Role.CUSTOMER, sub="c"))
        assert customer.status_code == 403


async def test_warnings_are_sms_to_the_contact_merged_into_a_digest_over_the_limit(
    start_sms: StartSms, unique: str
) -> None:
    seller, phone = f"s-{unique}", f"139{random.randrange(10**8):08d}"
    async with start_sms(clock="virtual") as sms:
        clock = sms.runtime.clock
        assert isinstance(clock, VirtualClock)
        kinds = ["AUDIT_DUE_SOON", "PROCESS_DUE_SOON", "PRE_COMPENSATION_DUE_SOON"] * 3
        for n, kind in enumerate(kinds):
            await request_notice(
                sms, seller, f"{unique}-{n}", kind=kind, order_no=f"SO{n}", contact_phone=phone
            )
        await request_notice(sms, seller, f"{unique}-again", kind="AUDIT_DUE_SOON")

        async def recorded() -> list[dict[str, Any]] | None:
            found = await log_of(sms, phone)
            return (
                found if len(found) == 9 and all(m["status"] != "QUEUED" for m in found) else None
            )

        first = await eventually(recorded, what="nine warnings recorded")
        assert sorted(m["status"] for m in first) == ["HELD"] * 4 + ["SENT"] * 5
        assert "小时后" in next(m["text"] for m in first if m["status"] == "SENT")
        clock.advance(3600)

        async def digested() -> list[dict[str, Any]] | None:
            found = await log_of(sms, phone)
            done = all(m["status"] in ("SENT", "DIGESTED") for m in found)
            return found if done and any(m["template"] == "SELLER_DIGEST" for m in found) else None

        found = await eventually(digested, what="the held warnings digested")
    (digest,) = [m for m in found if m["template"] == "SELLER_DIGEST"]
    assert "时效预警" in digest["text"]
    held = [m for m in found if m["status"] == "DIGESTED"]
    assert len(held) == 4
    assert all(m["digest_id"] == digest["id"] for m in held)
