"""Every change of a sub-account's rights goes out as seller.staff_changed, in version order."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_testkit import eventually
from api_support import Api

pytestmark = pytest.mark.integration


async def test_staff_changes_reach_sms_svc_queue(api: Api) -> None:
    await api.setup_seller()  # four sub-accounts added, the last "shoes"
    staff = f"/v1/sellers/{api.seller}/staff/shoes"
    r = await api.client.patch(staff, json={"categories": ["shoes", "laptops"]}, headers=api.boss)
    assert r.status_code == 200, r.text
    r = await api.client.patch(staff, json={"name": "Shoe desk"}, headers=api.boss)
    assert r.status_code == 200, r.text  # a new name changes no right: nothing announced
    assert (await api.client.delete(staff, headers=api.boss)).status_code == 204

    def of_shoes(seen: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            m["payload"]
            for m in seen
            if m["type"] == "seller.staff_changed" and m["payload"]["staff_id"] == "shoes"
        ]

    async def three() -> list[dict[str, Any]] | None:
        found = of_shoes(await api.tap.drain("sms-svc"))
        return found if len(found) >= 3 else None

    added, widened, removed = sorted(
        await eventually(three, timeout=60, what="shoes' changes"), key=lambda p: p["version"]
    )
    assert (added["categories"], added["removed"]) == (["shoes"], False)
    assert (widened["categories"], widened["permissions"]) == (
        ["laptops", "shoes"],
        ["AUDIT", "PROCESS"],
    )
    assert (removed["categories"], removed["removed"]) == ([], True)
    assert added["version"] < widened["version"] < removed["version"] - 1  # the rename between
    assert {p["seller_id"] for p in (added, widened, removed)} == {api.seller}
    others = {p["staff_id"] for p in (m["payload"] for m in api.tap.seen) if "staff_id" in p}
    assert others == {"auditor", "processor", "both", "shoes"}


async def test_an_order_sms_names_the_order_category(api: Api) -> None:
    await api.setup_seller()
    order = await api.apply(category="phones")
    await api.do(order["id"], "claim", api.boss)
    await api.do(order["id"], "audit", api.boss, {"result": "APPROVE_RETURN"})
    sms = await api.tap.wait_for(lambda m: m["type"] == "sms.send", service="sms-svc")
    assert (sms["payload"]["template"], sms["payload"]["category"]) == ("RETURN_APPROVED", "phones")
