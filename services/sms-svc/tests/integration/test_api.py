"""GET /v1/messages: who sees what, masking, filters and pages."""

from __future__ import annotations

import pytest
from aftersales_shared.auth import Role
from aftersales_testkit import bearer

from .conftest import PLATFORM, StartSms

pytestmark = pytest.mark.integration


async def test_tenancy_masking_filters_and_pages(start_sms: StartSms, unique: str) -> None:
    mine, theirs = f"sa-{unique}", f"sb-{unique}"
    seller_a = bearer(Role.SELLER_ADMIN, sub="a", seller_id=mine)
    staff_a = bearer(Role.SELLER_STAFF, sub="a2", seller_id=mine)
    seller_b = bearer(Role.SELLER_ADMIN, sub="b", seller_id=theirs)
    async with start_sms() as sms:
        ids = []
        for n in range(5):
            ids.append(
                await sms.send(
                    key=f"{unique}-a{n}",
                    recipient=f"1350000{n:04d}",
                    template="REFUND_ISSUED",
                    params={"order_no": f"SO{n}", "amount": "10.00"},
                    order_id=f"o-{unique}-{n % 2}",
                    seller_id=mine,
                )
            )
        other = await sms.send(
            key=f"{unique}-b", recipient="13600009999", template="RETURN_APPROVED",
            params={"order_no": "SOB"}, order_id=f"o-{unique}-b", seller_id=theirs,
        )  # fmt: skip
        for mid in [*ids, other]:
            await sms.settled(mid)

        async def listing(headers: dict[str, str], **params: str | int) -> list[dict[str, str]]:
            response = await sms.client.get("/v1/messages", params=params, headers=headers)
            assert response.status_code == 200, response.text
            items: list[dict[str, str]] = response.json()["items"]
            return items

        as_a = await listing(seller_a, status="SENT")
        assert {m["id"] for m in as_a} == set(ids)
        assert all(m["phone"].startswith("135****") and len(m["phone"]) == 11 for m in as_a)
        assert await listing(staff_a) == []  # order-svc never announced it: nothing
        assert (await sms.client.get(f"/v1/messages/{ids[0]}", headers=staff_a)).status_code == 404
        assert [m["id"] for m in await listing(seller_b)] == [other]
        assert (await listing(seller_b))[0]["phone"] == "136****9999"
        assert await listing(seller_b, order_id=f"o-{unique}-0") == []

        full = await listing(PLATFORM, order_id=f"o-{unique}-0")
        assert len(full) == 3
        assert all(m["phone"].startswith("1350000") for m in full)
        by_phone = await listing(PLATFORM, phone="+86 135-0000-0003")
        assert [m["id"] for m in by_phone] == [ids[3]]
        assert await listing(PLATFORM, phone="13500000003", template="RETURN_APPROVED") == []

        assert await sms.get(other, seller_a) is None
        found = await sms.get(other, seller_b)
        assert found is not None
        assert found["phone"] == "136****9999"
        assert (await sms.client.get(f"/v1/messages/{other}", headers=seller_a)).status_code == 404

        seen: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await sms.client.get("/v1/messages", params=params, headers=seller_a)).json()
            seen += [m["id"] for m in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(ids)
        assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    ("headers", "params", "status"),
    [
        ({}, {}, 401),
        ({"Authorization": "Bearer nonsense"}, {}, 401),
        (bearer(Role.CUSTOMER, sub="c1"), {}, 403),
        (bearer(Role.QC_ANALYST, sub="q1"), {}, 403),
        (PLATFORM, {"phone": "12345"}, 422),
        (PLATFORM, {"status": "LOST"}, 422),
        (PLATFORM, {"cursor": "!!!"}, 422),
        (PLATFORM, {"limit": 0}, 422),
    ],
)
async def test_refusals(
    start_sms: StartSms, headers: dict[str, str], params: dict[str, str], status: int
) -> None:
    async with start_sms() as sms:
        response = await sms.client.get("/v1/messages", params=params, headers=headers)
        assert response.status_code == status, response.text
        assert "error" in response.json()
