"""Through the API: a sub-account without the permission a command needs is refused (403)."""

from __future__ import annotations

import pytest
from api_support import Api

pytestmark = pytest.mark.integration

CONSENT = {"note": "the customer agreed on the phone"}


async def test_abandon_needs_audit_before_the_return_and_process_after(api: Api) -> None:
    await api.setup_seller()
    claimed = await api.apply()
    await api.do(claimed["id"], "claim", api.staff("auditor"))
    err = await api.do(claimed["id"], "abandon", api.staff("processor"), CONSENT, expect=403)
    assert "AUDIT" in err["error"]["message"]
    assert (await api.get(claimed["id"]))["status"] == "PENDING_AUDIT"
    received = await api.received()
    await api.do(received["id"], "abandon", api.staff("auditor"), CONSENT, expect=403)
    done = await api.do(received["id"], "abandon", api.staff("processor"), CONSENT)
    assert done["status"] == "CANCELLED"


async def test_an_auditor_may_not_do_what_processing_needs(api: Api) -> None:
    await api.setup_seller()
    o = await api.received()
    oid = o["id"]
    err = await api.do(oid, "arbitration", api.staff("auditor"), {"reason": "x"}, expect=403)
    assert "PROCESS" in err["error"]["message"]
    body = {"outcome": "RETURN_ORIGINAL", "remark": "not eligible"}
    await api.do(oid, "process", api.staff("processor"), body)
    await api.do(oid, "messages", api.me, {"text": "still broken"})
    await api.do(oid, "messages", api.staff("auditor"), {"text": "sorry"}, expect=403)
    await api.do(oid, "resolve", api.staff("auditor"), {}, expect=403)
    after = await api.get(oid)
    assert (after["status"], after["locked"], len(after["messages"])) == ("UNRESOLVED", False, 1)
    await api.do(oid, "messages", api.staff("processor"), {"text": "sorry"})
    assert (await api.do(oid, "resolve", api.staff("processor"), {}))["status"] == "COMPLETED"


async def test_the_ship_reminder_needs_process(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("auditor"))
    await api.do(o["id"], "audit", api.staff("auditor"), {"result": "APPROVE_RETURN"})
    await api.do(o["id"], "ship-reminder", api.staff("auditor"), expect=403)
    reminded = await api.do(o["id"], "ship-reminder", api.staff("processor"))
    assert reminded["history"][-1]["command"] == "REMIND_SHIP"
