"""arbitration-svc through the real broker and store: requests open cases, agents rule once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aftersales_shared.metrics import MESSAGES_HANDLED
from aftersales_shared.testing import bearer, eventually

from .harness import AGENT, Harness, running

pytestmark = pytest.mark.integration


@pytest.fixture
async def arb(mongo_url: str, amqp_url: str, namespace: str, unique: str) -> AsyncIterator[Harness]:
    async with running(
        mongo_url=mongo_url, amqp_url=amqp_url, namespace=namespace, unique=unique
    ) as harness:
        yield harness


async def open_case(arb: Harness, order_id: str, **kwargs: Any) -> dict[str, Any]:
    await arb.bus.publish(arb.request(order_id=order_id, **kwargs))

    async def appeared() -> list[dict[str, Any]]:
        return [c for c in await arb.cases() if c["order_id"] == order_id]

    (case,) = await eventually(appeared, what=f"case for {order_id}")
    return case


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


@pytest.mark.parametrize(
    "headers",
    [
        bearer("seller_admin", sub="boss", seller_id="s-1"),
        bearer("seller_staff", sub="staff", seller_id="s-1"),
        bearer("customer", sub="buyer"),
        bearer("qc_analyst", sub="qc"),
    ],
)
async def test_only_platform_agents_see_or_rule(
    arb: Harness, unique: str, headers: dict[str, str]
) -> None:
    case = await open_case(arb, f"o-{unique}")
    url = f"/v1/cases/{case['id']}"
    ruling = {"outcome": "CLAIM_REJECTED", "note": "x"}
    calls = [
        arb.http.get("/v1/cases", headers=headers),
        arb.http.get(url, headers=headers),
        arb.http.post(f"{url}/take", headers=headers),
        arb.http.post(f"{url}/notes", json={"text": "x"}, headers=headers),
        arb.http.post(f"{url}/ruling", json=ruling, headers=headers),
    ]
    for call in calls:
        assert (await call).status_code == 403
    assert (await arb.http.get("/v1/cases")).status_code == 401
    assert (await arb.http.get(url, headers=AGENT)).json()["status"] == "OPEN"


async def test_oldest_first_with_age_filters_pages_and_metrics(arb: Harness, unique: str) -> None:
    now = datetime.now(UTC)
    ages = {"10d": timedelta(days=10), "5d": timedelta(days=5), "2d": timedelta(days=2)}
    ages |= {"2h": timedelta(hours=2), "1h": timedelta(hours=1)}
    for name, age in ages.items():
        await arb.bus.publish(arb.request(order_id=f"o-{unique}-{name}", at=now - age))

    async def all_open() -> list[dict[str, Any]]:
        cases = await arb.cases()
        return cases if len(cases) == len(ages) else []

    cases = await eventually(all_open, what="five cases")
    assert [c["order_id"].rsplit("-", 1)[1] for c in cases] == list(ages)
    old = await arb.cases(min_age_hours=48)
    assert [c["order_id"] for c in old] == [c["order_id"] for c in cases[:3]]
    young = await arb.cases(max_age_hours=24)
    assert [c["order_id"] for c in young] == [c["order_id"] for c in cases[3:]]

    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (
            await arb.http.get(
                "/v1/cases", params={"seller_id": arb.seller_id, **params}, headers=AGENT
            )
        ).json()
        seen += [c["id"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == [c["id"] for c in cases]

    await arb.http.post(f"/v1/cases/{cases[0]['id']}/take", headers=AGENT)
    assert [c["status"] for c in await arb.cases(status="IN_REVIEW")] == ["IN_REVIEW"]
    assert len(await arb.cases(status=["OPEN", "IN_REVIEW"])) == 5

    async def gauges() -> bool:
        text = (await arb.http.get("/metrics")).text
        expected = [
            'arbitration_open_cases{age="7d+",status="IN_REVIEW"} 1.0',
            'arbitration_open_cases{age="3-7d",status="OPEN"} 1.0',
            'arbitration_open_cases{age="1-3d",status="OPEN"} 1.0',
            'arbitration_open_cases{age="0-1d",status="OPEN"} 2.0',
            'arbitration_open_cases{age="7d+",status="OPEN"} 0.0',
        ]
        return all(line in text for line in expected)

    await eventually(gauges, what="backlog gauges")


async def test_pages_hold_every_case_once_when_many_open_at_the_same_instant(
    arb: Harness, unique: str
) -> None:
    at = datetime.now(UTC) - timedelta(hours=3)
    for n in range(7):
        await arb.bus.publish(arb.request(order_id=f"o-{unique}-{n}", at=at))

    async def all_open() -> list[dict[str, Any]]:
        cases = await arb.cases(limit=200)
        return cases if len(cases) == 7 else []

    everything = await eventually(all_open, what="seven cases")
    assert [c["id"] for c in everything] == sorted(c["id"] for c in everything)
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, "seller_id": arb.seller_id, "min_age_hours": 1}
        if cursor:
            params["cursor"] = cursor
        page = (await arb.http.get("/v1/cases", params=params, headers=AGENT)).json()
        seen += [c["id"] for c in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == [c["id"] for c in everything]
    bad = await arb.http.get("/v1/cases", params={"cursor": "%%%"}, headers=AGENT)
    assert bad.status_code == 422
