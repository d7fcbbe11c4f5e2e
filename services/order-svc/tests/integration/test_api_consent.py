"""Through the API: CUSTOMER_ABANDON (single and batch audit) needs the consent note (422)."""

from __future__ import annotations

import pytest
from api_support import Api

pytestmark = pytest.mark.integration
BATCH = "/v1/service-orders/batch-audit"


async def claimed(api: Api) -> str:
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("auditor"))
    return str(o["id"])


async def test_the_audit_refuses_an_abandon_without_the_note(api: Api) -> None:
    await api.setup_seller()
    oid = await claimed(api)
    for body in (
        {"result": "CUSTOMER_ABANDON"},
        {"result": "CUSTOMER_ABANDON", "opinion": "agreed", "note": "  "},
    ):
        err = await api.do(oid, "audit", api.staff("auditor"), body, expect=422)
        assert err["error"]["field"] == "note"
    assert (await api.get(oid))["version"] == 2, "a refused audit changes nothing"
    note = "phoned the customer: agrees to give up"
    body = {"result": "CUSTOMER_ABANDON", "note": note}
    done = await api.do(oid, "audit", api.staff("auditor"), body)
    assert (done["status"], done["abandon_note"]) == ("CANCELLED", note)
    assert note in done["history"][-1]["detail"]


async def test_the_batch_audit_refuses_an_abandon_without_the_note(api: Api) -> None:
    await api.setup_seller()
    ids = [await claimed(api), await claimed(api)]
    body = {"ids": ids, "result": "CUSTOMER_ABANDON", "opinion": "ok"}
    r = await api.client.post(BATCH, json=body, headers=api.staff("auditor"))
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "note"
    assert {(await api.get(i))["status"] for i in ids} == {"PENDING_AUDIT"}
    note = "both agreed by phone"
    r = await api.client.post(BATCH, json=body | {"note": note}, headers=api.staff("auditor"))
    assert r.status_code == 200, r.text
    for i in ids:
        order = await api.get(i)
        assert (order["status"], order["abandon_note"]) == ("CANCELLED", note)
        assert note in order["history"][-1]["detail"]
