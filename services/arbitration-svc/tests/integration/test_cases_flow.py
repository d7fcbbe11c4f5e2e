"""arbitration-svc through the real broker and store: requests open cases, agents rule once."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_testkit import bearer, eventually

from .harness import AGENT, Harness, open_case

pytestmark = pytest.mark.integration


def handled() -> float:
    total = 0.0
    for result in ("ok", "duplicate"):
        total += MESSAGES_HANDLED.labels(type="arbitration.requested", result=result)._value.get()
    return total


async def test_a_request_opens_a_case_with_the_evidence(arb: Harness, unique: str) -> None:
    case = await open_case(arb, f"o-{unique}")
    assert case["status"] == "OPEN"
    assert case["seller_id"] == arb.seller_id
    detail = (await arb.http.get(f"/v1/cases/{case['id']}", headers=AGENT)).json()
    assert detail["evidence"]["history"] == [{"command": "apply"}, {"command": "receive"}]
    assert detail["paid_amount"] == "199.00"
    assert detail["refundable_amount"] == "199.00"
    assert detail["reason"] == "the customer says the item arrived broken"


async def test_a_redelivered_request_opens_one_case(arb: Harness, unique: str) -> None:
    order_id = f"o-{unique}"
    message = arb.request(order_id=order_id)
    before = handled()
    await arb.bus.publish(message)
    await arb.bus.publish(message)
    await arb.bus.publish(arb.request(order_id=order_id))  # a new request while one is open

    async def all_handled() -> bool:
        return handled() - before >= 3

    await eventually(all_handled, what="three requests handled")
    assert [c["order_id"] for c in await arb.cases()] == [order_id]


RULINGS = [
    ({"outcome": "REFUND", "amount": "59.90"}, "59.90", None),
    ({"outcome": "EXCHANGE", "sku": "SKU-NEW"}, "199.00", "SKU-NEW"),
    ({"outcome": "RETURN_ORIGINAL"}, None, None),
    ({"outcome": "CLAIM_REJECTED"}, None, None),
]


@pytest.mark.parametrize(("body", "amount", "sku"), RULINGS)
async def test_take_note_rule_publishes_one_ruling(
    arb: Harness, unique: str, body: dict[str, Any], amount: str | None, sku: str | None
) -> None:
    case = await open_case(arb, f"o-{unique}")
    url = f"/v1/cases/{case['id']}"
    taken = await arb.http.post(f"{url}/take", headers=AGENT)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "IN_REVIEW"
    noted = await arb.http.post(f"{url}/notes", json={"text": "photos checked"}, headers=AGENT)
    assert noted.status_code == 201, noted.text
    assert [n["text"] for n in noted.json()["notes"]] == ["photos checked"]

    ruling = {**body, "note": "decided on the photos"}
    headers = {**AGENT, "Idempotency-Key": f"rule-{unique}"}
    first = await arb.http.post(f"{url}/ruling", json=ruling, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "RULED"
    assert first.json()["ruling"]["amount"] == amount
    replay = await arb.http.post(f"{url}/ruling", json=ruling, headers=headers)
    assert replay.json() == first.json()
    second = await arb.http.post(f"{url}/ruling", json=ruling, headers=AGENT)
    assert second.status_code == 409
    assert "final" in second.json()["error"]["message"]

    (message,) = await eventually(arb.ruled_messages, what="arbitration.ruled")
    assert message.type == "arbitration.ruled"
    assert message.seller_id == arb.seller_id
    assert message.payload == {
        "case_id": case["id"],
        "order_id": f"o-{unique}",
        "outcome": body["outcome"],
        "amount": amount,
        "sku": sku,
        "note": "decided on the photos",
        "ruled_by": "agent-1",
    }

    async def relayed() -> bool:
        doc = await arb.db["cases"].find_one({"_id": case["id"]})
        return doc is not None and doc["_outbox"] == [] and not doc["_outbox_pending"]

    await eventually(relayed, what="outbox drained")
    assert await arb.ruled_messages() == []


async def test_rulings_are_checked(arb: Harness, unique: str) -> None:
    case = await open_case(arb, f"o-{unique}", paid="80.00")
    url = f"/v1/cases/{case['id']}"
    refund = {"outcome": "REFUND", "amount": "80.01", "note": "n"}
    early = await arb.http.post(f"{url}/ruling", json=refund, headers=AGENT)
    assert early.status_code == 409
    await arb.http.post(f"{url}/take", headers=AGENT)
    too_much = await arb.http.post(f"{url}/ruling", json=refund, headers=AGENT)
    assert too_much.status_code == 422
    assert too_much.json()["error"]["paid_amount"] == "80.00"
    no_note = await arb.http.post(
        f"{url}/ruling", json={"outcome": "RETURN_ORIGINAL"}, headers=AGENT
    )
    assert no_note.status_code == 422
    other = bearer("platform_agent", sub="agent-2")
    by_other = await arb.http.post(f"{url}/ruling", json={**refund, "amount": "1"}, headers=other)
    assert by_other.status_code == 403
    assert (await arb.http.post(f"{url}/take", headers=other)).status_code == 409
    over = await arb.http.post(f"{url}/take", json={"take_over": True}, headers=other)
    assert over.json()["taken_by"] == "agent-2"
    assert over.json()["history"][-1]["detail"] == "from agent-1"
    by_first = await arb.http.post(f"{url}/ruling", json={**refund, "amount": "1"}, headers=AGENT)
    assert by_first.status_code == 403
    missing = await arb.http.get("/v1/cases/nope", headers=AGENT)
    assert missing.status_code == 404
    assert (await arb.http.get(url, headers=AGENT)).json()["status"] == "IN_REVIEW"


async def test_an_invalid_request_goes_to_the_dead_letter_queue(
    arb: Harness, unique: str, namespace: str
) -> None:
    good = arb.request(order_id=f"o-{unique}")
    bad = good.model_copy(update={"id": f"bad-{unique}", "payload": {"order_id": "x"}})
    await arb.bus.publish(bad)
    dlq = await arb.ruled.channel.get_queue(f"{namespace}.arbitration-svc.dlq")

    async def dead_lettered() -> Any:
        return await dlq.get(no_ack=True, fail=False)

    raw = await eventually(dead_lettered, what="the invalid request dead-lettered")
    assert raw.message_id == f"bad-{unique}"
    reason = raw.headers["x-failure-reason"]
    assert reason.startswith("rejected: "), reason  # not "failed N times": never retried
    assert "for ArbitrationRequested" in reason, reason  # the payload's validation failed
    assert "x-attempts" not in raw.headers  # delivered once: the retry queue never had it
    retry = await arb.ruled.channel.declare_queue(
        f"{namespace}.arbitration-svc.retry", passive=True
    )
    assert retry.declaration_result.message_count == 0
    assert await arb.cases() == []
