"""`allowed_actions` agrees with the commands: every listed one succeeds, every other is refused.

For each state (and lock, ownership) an order can reach, and each caller (customer, main account,
staff with AUDIT, PROCESS, both, staff of another category, platform agent): read the order's
`allowed_actions`; take each listed action on a fresh order in that state (it succeeds), and
every unlisted action the caller's routes can express on the order itself (it is refused and
changes nothing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from api_support import Api

CALLERS = ("customer", "boss", "auditor", "processor", "both", "shoes", "platform_agent")
CUSTOMER_ONLY = {"LEAVE_MESSAGE", "CONFIRM_RESOLVED"}
SELLER_ONLY = {"REPLY", "MARK_RESOLVED", "OFFLINE_EXCHANGE_UNRESOLVED"}

# command -> (method, path under the order, body)
ROUTES: dict[str, tuple[str, str, Any]] = {
    "CLAIM": ("POST", "claim", None),
    "ASSIGN": ("POST", "", None),  # the batch route, below
    "AUDIT_RESHIP": ("POST", "audit", {"result": "RESHIP", "reship_sku": "SKU-2"}),
    "AUDIT_APPROVE_RETURN": ("POST", "audit", {"result": "APPROVE_RETURN"}),
    "AUDIT_REQUEST_FEEDBACK": ("POST", "audit", {"result": "REQUEST_FEEDBACK"}),
    "AUDIT_REJECT": ("POST", "audit", {"result": "REJECT"}),
    "AUDIT_CUSTOMER_ABANDON": ("POST", "audit", {"result": "CUSTOMER_ABANDON", "note": "agreed"}),
    "FEEDBACK": ("POST", "feedback", {"text": "more photos"}),
    "RECORD_SHIPMENT": ("POST", "shipment", {"carrier": "SF", "tracking_no": "SF9", "freight": 5}),
    "REMIND_SHIP": ("POST", "ship-reminder", None),
    "REGISTER_RECEIPT": ("POST", "receipt", {"note": "arrived"}),
    "SET_RETURN_FREIGHT": ("PUT", "return-freight", {"amount": "5.00"}),
    "PROCESS_REFUND": ("POST", "process", {"outcome": "REFUND", "amount": "199.00", "reason": "q"}),
    "PROCESS_EXCHANGE": ("POST", "process", {"outcome": "EXCHANGE", "sku": "SKU-2"}),
    "PROCESS_RETURN_ORIGINAL": ("POST", "process", {"outcome": "RETURN_ORIGINAL", "remark": "r"}),
    "PROCESS_OFFLINE_EXCHANGE": (
        "POST",
        "process",
        {"outcome": "OFFLINE_EXCHANGE", "tracking_no": "T1", "remark": "sent"},
    ),
    "REOPEN": ("POST", "reopen", None),
    "LEAVE_MESSAGE": ("POST", "messages", {"text": "still broken"}),
    "REPLY": ("POST", "messages", {"text": "we are on it"}),
    "OFFLINE_EXCHANGE_UNRESOLVED": (
        "POST",
        "resolve",
        {"offline_exchange": True, "tracking_no": "T2"},
    ),
    "MARK_RESOLVED": ("POST", "resolve", {}),
    "CONFIRM_RESOLVED": ("POST", "resolve", {}),
    "ABANDON": ("POST", "abandon", {"note": "the customer agreed"}),
    "REQUEST_ARBITRATION": ("POST", "arbitration", {"reason": "dispute"}),
    "RATE": ("POST", "rating", {"rating": "SATISFIED"}),
}


def headers_of(api: Api, caller: str) -> dict[str, str]:
    if caller == "customer":
        return api.me
    if caller == "boss":
        return api.boss
    if caller == "platform_agent":
        return api.agent
    return api.staff(caller)


async def take(api: Api, oid: str, cmd: str, headers: dict[str, str]) -> bool:
    """Issue `cmd` on the order; whether it was accepted."""
    if cmd == "ASSIGN":
        body = {"ids": [oid], "staff_id": "both"}
        r = await api.client.post("/v1/service-orders/assign", json=body, headers=headers)
        return r.status_code == 200 and "error" not in r.json()["results"][0]
    method, path, body = ROUTES[cmd]
    r = await api.client.request(
        method, f"/v1/service-orders/{oid}/{path}", json=body, headers=headers
    )
    assert r.status_code < 500, r.text
    return r.status_code == 200


Build = Callable[[Api], Awaitable[str]]


async def claimed(api: Api, by: str = "both") -> str:
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff(by))
    return str(o["id"])


async def audited(api: Api, result: str) -> str:
    oid = await claimed(api)
    await api.do(oid, "audit", api.staff("both"), {"result": result})
    return oid


async def shipped(api: Api) -> str:
    oid = await audited(api, "APPROVE_RETURN")
    body = {"carrier": "SF", "tracking_no": "SF1", "freight": "8.00"}
    await api.do(oid, "shipment", api.me, body)
    return oid


async def locked(api: Api, oid: str) -> str:
    await api.do(oid, "arbitration", api.boss, {"reason": "dispute"})
    return oid


async def received(api: Api) -> str:
    return str((await api.received())["id"])


async def done(api: Api, outcome: str) -> str:
    oid = await received(api)
    _, _, body = ROUTES[f"PROCESS_{outcome}"]
    await api.do(oid, "process", api.staff("both"), body)
    return oid


async def unresolved(api: Api) -> str:
    oid = await done(api, "REFUND")
    await api.do(oid, "messages", api.me, {"text": "still broken"})
    return oid


async def completed(api: Api) -> str:
    oid = await done(api, "REFUND")
    await api.do(oid, "resolve", api.me, {})
    return oid


async def final(api: Api, result: str) -> str:
    return await audited(api, result)


STATES: dict[str, Build] = {
    "PENDING_CLAIM": lambda api: api.apply(),
    "PENDING_AUDIT": claimed,
    "PENDING_AUDIT by auditor": lambda api: claimed(api, "auditor"),
    "AWAITING_FEEDBACK": lambda api: audited(api, "REQUEST_FEEDBACK"),
    "AWAITING_RETURN": lambda api: audited(api, "APPROVE_RETURN"),
    "AWAITING_RETURN shipped": shipped,
    "AWAITING_RETURN locked": lambda api: shipped(api),
    "PENDING_PROCESS": received,
    "PENDING_PROCESS locked": received,
    "PROVISIONALLY_DONE refund": lambda api: done(api, "REFUND"),
    "PROVISIONALLY_DONE return original": lambda api: done(api, "RETURN_ORIGINAL"),
    "UNRESOLVED": unresolved,
    "UNRESOLVED locked": unresolved,
    "COMPLETED": completed,
    "REJECTED": lambda api: final(api, "REJECT"),
}


async def build(api: Api, state: str) -> str:
    made: Any = await STATES[state](api)
    oid = str(made["id"]) if isinstance(made, dict) else str(made)
    if state.endswith("locked"):
        await locked(api, oid)
    return oid


@pytest.mark.parametrize("state", list(STATES))
async def test_allowed_actions_agree_with_the_commands(api: Api, state: str) -> None:
    await api.setup_seller()
    base = await build(api, state)
    before = await api.get(base)
    assert before["status"] == state.split()[0]
    for caller in CALLERS:
        headers = headers_of(api, caller)
        r = await api.client.get(f"/v1/service-orders/{base}", headers=headers)
        if caller == "shoes":  # another category: not theirs, so nothing is allowed
            assert r.status_code == 404, r.text
            allowed: list[str] = []
        else:
            assert r.status_code == 200, r.text
            allowed = r.json()["allowed_actions"]
        for cmd in allowed:
            fresh = await build(api, state)
            assert await take(api, fresh, cmd, headers), f"{caller} {cmd} in {state} refused"
        expressible = SELLER_ONLY if caller == "customer" else CUSTOMER_ONLY
        for cmd in sorted(set(ROUTES) - set(allowed) - expressible):
            assert not await take(api, base, cmd, headers), f"{caller} {cmd} in {state} taken"
    after = await api.get(base)
    assert after["version"] == before["version"], "a refused action changed the order"


async def test_the_lists_per_caller_in_pending_audit(api: Api) -> None:
    """What the page shows: the owner's audit results; others their lesser rights."""
    await api.setup_seller()
    oid = await claimed(api, "auditor")
    seen = {
        caller: (await api.get(oid, headers_of(api, caller)))["allowed_actions"]
        for caller in ("customer", "boss", "auditor", "processor", "both", "platform_agent")
    }
    audits = [
        "AUDIT_RESHIP",
        "AUDIT_APPROVE_RETURN",
        "AUDIT_REQUEST_FEEDBACK",
        "AUDIT_REJECT",
        "AUDIT_CUSTOMER_ABANDON",
    ]
    assert seen["auditor"] == [*audits, "ABANDON"]
    assert seen["boss"] == [*audits, "ABANDON"]
    assert seen["both"] == ["ABANDON"]
    assert seen["processor"] == []
    assert seen["customer"] == ["ABANDON"]
    assert seen["platform_agent"] == []
