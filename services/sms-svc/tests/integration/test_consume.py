"""sms.send through the real broker into the delivery log (log provider)."""

from __future__ import annotations

import pytest
from aftersales_shared.contracts.messages import SMS_TEMPLATES
from aftersales_testkit import eventually
from prometheus_client import REGISTRY

from .conftest import PLATFORM, StartSms

pytestmark = pytest.mark.integration


def handled_ok() -> float:
    """sms.send messages handled and acknowledged by this process so far."""
    value = REGISTRY.get_sample_value(
        "bus_messages_handled_total", {"type": "sms.send", "result": "ok"}
    )
    return value or 0.0


PARAMS = {
    "order_no": "SO100200",
    "opinion": "商品已超过售后期",
    "amount": "88.50",
    "outcome": "REFUND",
    "days_left": "5",
}


async def test_every_template_is_sent_and_logged(start_sms: StartSms, unique: str) -> None:
    async with start_sms() as sms:
        ids = {
            template: await sms.send(
                key=f"{unique}-{template}",
                recipient=f"+86 138{n:08d}",
                template=template,
                params={name: PARAMS[name] for name in needs},
            )
            for n, (template, needs) in enumerate(SMS_TEMPLATES.items())
        }
        for n, (template, mid) in enumerate(ids.items()):
            found = await sms.settled(mid)
            assert found["status"] == "SENT", found
            assert found["template"] == template
            assert "SO100200" in found["text"]
            assert found["phone"] == f"138{n:08d}"
            assert [a["outcome"] for a in found["attempts"]] == ["ok"]
            assert len(found["text"]) <= 70


@pytest.mark.parametrize(
    ("recipient", "template", "params", "reason"),
    [
        ("12345", "RETURN_APPROVED", {"order_no": "A1"}, "recipient:"),
        ("13800001111", "NO_SUCH", {"order_no": "A1"}, "params: unknown template"),
        ("13800001111", "REFUND_ISSUED", {"order_no": "A1"}, "params:"),
        ("13800001111", "REFUND_ISSUED", {"order_no": "A1", "amount": "1.5"}, "params:"),
    ],
)
async def test_bad_requests_are_rejected_with_the_reason(
    start_sms: StartSms,
    unique: str,
    recipient: str,
    template: str,
    params: dict[str, str],
    reason: str,
) -> None:
    async with start_sms() as sms:
        mid = await sms.send(key=unique, recipient=recipient, template=template, params=params)
        found = await sms.settled(mid)
        assert found["status"] == "REJECTED"
        assert found["reason"].startswith(reason)
        assert found["attempts"] == []


async def test_a_malformed_command_is_recorded_not_lost(start_sms: StartSms, unique: str) -> None:
    from datetime import UTC, datetime

    from aftersales_shared.contracts import Envelope
    from sms_svc.domain.message import message_id

    async with start_sms() as sms:
        raw = Envelope(
            id=f"env-{unique}",
            type="sms.send",
            occurred_at=datetime.now(UTC),
            seller_id="seller-1",
            correlation_id=unique,
            payload={"recipient": "13800001111", "template": "RETURN_APPROVED", "params": {}},
        )
        await sms.runtime.bus.publish(raw)
        found = await sms.settled(message_id(f"envelope:env-{unique}"))
        assert found["status"] == "REJECTED"
        assert "idempotency_key" in found["reason"]


async def test_the_same_key_sends_once(start_sms: StartSms, unique: str) -> None:
    async with start_sms() as sms:
        before = handled_ok()
        args = {"recipient": "13800002222", "template": "SHIP_REMINDER"}
        params = {"order_no": "SO1"}
        first = await sms.send(key=unique, params=params, envelope_id=f"e1-{unique}", **args)
        await sms.send(key=unique, params=params, envelope_id=f"e1-{unique}", **args)
        again = await sms.send(key=unique, params=params, envelope_id=f"e2-{unique}", **args)
        assert first == again
        await sms.settled(first, "SENT")

        async def handled() -> bool:
            page = await sms.client.get(
                "/v1/messages", params={"phone": "13800002222"}, headers=PLATFORM
            )
            items = page.json()["items"]
            return bool(items) and all(m["status"] != "QUEUED" for m in items)

        await eventually(handled)

        async def all_three_handled() -> bool:
            return handled_ok() - before >= 3

        await eventually(all_three_handled)
        page = await sms.client.get(
            "/v1/messages", params={"phone": "13800002222"}, headers=PLATFORM
        )
        items = page.json()["items"]
        assert len(items) == 1
        assert len(items[0]["attempts"]) == 1


async def test_throttled_beyond_the_hourly_limit(start_sms: StartSms, unique: str) -> None:
    async with start_sms(sms_rate_per_hour=2, sms_rate_per_day=3) as sms:
        phone = "13900003333"
        statuses = []
        for n in range(3):
            mid = await sms.send(
                key=f"{unique}-{n}",
                recipient=phone,
                template="RETURN_APPROVED",
                params={"order_no": f"SO{n}"},
            )
            statuses.append((await sms.settled(mid))["status"])
        assert statuses == ["SENT", "SENT", "THROTTLED"]
        throttled = await sms.get(mid)
        assert throttled is not None
        assert "an hour" in throttled["reason"]
        other = await sms.send(
            key=f"{unique}-other", recipient="13900004444", template="RETURN_APPROVED",
            params={"order_no": "SO9"},
        )  # fmt: skip
        assert (await sms.settled(other))["status"] == "SENT"
