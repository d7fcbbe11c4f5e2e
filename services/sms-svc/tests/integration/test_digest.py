"""20 warnings to one seller phone in an hour: every order named in a sent SMS, none THROTTLED."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_shared.clock import VirtualClock
from aftersales_testkit import eventually

from .conftest import PLATFORM, Sms, StartSms

pytestmark = pytest.mark.integration


async def log_of(sms: Sms, phone: str) -> list[dict[str, Any]]:
    """Every message to `phone` in the delivery log, through the API."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"phone": phone, "limit": "200"} | ({"cursor": cursor} if cursor else {})
        page = (await sms.client.get("/v1/messages", params=params, headers=PLATFORM)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_seller_warnings_over_the_limit_go_out_in_digests(
    start_sms: StartSms, unique: str
) -> None:
    seller_phone, customer_phone = "13912340000", "13812340000"
    async with start_sms(clock="virtual") as sms:
        clock = sms.runtime.clock
        assert isinstance(clock, VirtualClock)
        order_nos = [f"SO{unique[:8]}{n:04d}" for n in range(20)]
        for n, order_no in enumerate(order_nos):
            await sms.send(
                key=f"{unique}-w{n}", recipient=seller_phone, template="SELLER_RETURN_WARNING",
                params={"order_no": order_no, "days_left": "5"}, order_id=f"o{n}",
            )  # fmt: skip
        for n in range(7):
            await sms.send(
                key=f"{unique}-c{n}", recipient=customer_phone, template="SHIP_REMINDER",
                params={"order_no": f"SO{n}"}, order_id=f"c{n}",
            )  # fmt: skip

        async def recorded() -> list[dict[str, Any]] | None:
            found = await log_of(sms, seller_phone) + await log_of(sms, customer_phone)
            settled = all(m["status"] != "QUEUED" for m in found)
            return found if len(found) == 27 and settled else None

        first = await eventually(recorded, what="27 messages recorded")
        seller = [m["status"] for m in first if m["phone"] == seller_phone]
        assert sorted(seller) == ["HELD"] * 15 + ["SENT"] * 5
        clock.advance(3600)

        async def digested() -> list[dict[str, Any]] | None:
            found = await log_of(sms, seller_phone)
            done = all(m["status"] in ("SENT", "DIGESTED") for m in found)
            return found if done and any(m["template"] == "SELLER_DIGEST" for m in found) else None

        seller_log = await eventually(digested, what="every held warning digested and sent")
        sent_texts = [m["text"] for m in seller_log if m["status"] == "SENT"]
        for order_no in order_nos:
            assert sum(order_no in text for text in sent_texts) == 1, order_no
        digests = {m["id"]: m for m in seller_log if m["template"] == "SELLER_DIGEST"}
        held = [m for m in seller_log if m["status"] == "DIGESTED"]
        assert len(held) == 15
        assert all(m["id"] in digests[m["digest_id"]]["members"] for m in held)
        assert all(m["seller_id"] == "seller-1" for m in digests.values())
        customer = [m["status"] for m in await log_of(sms, customer_phone)]
        assert sorted(customer) == ["SENT"] * 5 + ["THROTTLED"] * 2
