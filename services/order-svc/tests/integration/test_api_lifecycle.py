"""A whole lifecycle over HTTP, events on the real broker, history, views, money."""

from __future__ import annotations

import base64

import pytest
from api_support import Api

pytestmark = pytest.mark.integration
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 1000).decode()


async def test_full_lifecycle_with_events_and_history(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    assert (o["status"], o["paid_amount"], o["freight"]["return_leg_payer"]) == (
        "PENDING_CLAIM",
        "199.00",
        "SELLER",
    )
    oid = o["id"]
    await api.do(oid, "claim", api.staff("auditor"))
    audited = await api.do(
        oid,
        "audit",
        api.staff("auditor"),
        {
            "result": "APPROVE_RETURN",
            "opinion": "please send it back",
            "attachments": [{"filename": "a.png", "content_type": "image/png", "data_base64": PNG}],
        },
    )
    assert audited["status"] == "AWAITING_RETURN"
    (meta,) = audited["audit"]["attachments"]
    customer_view = await api.get(oid, api.me)
    assert set(customer_view["next_deadlines"]) == {"SHIP_REMINDER"}
    assert "attachments" not in customer_view["audit"]
    assert customer_view["audit"]["opinion"] == "please send it back"
    r = await api.client.get(f"/v1/service-orders/{oid}/attachments/{meta['id']}", headers=api.boss)
    assert r.status_code == 200
    assert r.content.startswith(b"\x89PNG")
    r = await api.client.get(f"/v1/service-orders/{oid}/attachments/{meta['id']}", headers=api.me)
    assert r.status_code == 404
    await api.do(oid, "shipment", api.me, {"carrier": "SF", "tracking_no": "SF1", "freight": "12"})
    received = await api.do(oid, "receipt", api.staff("processor"), {"note": "intact"})
    assert received["freight"]["return_freight"] == "12.00"
    done = await api.do(
        oid,
        "process",
        api.staff("processor"),
        {"outcome": "REFUND", "amount": "199.00", "reason": "defect"},
    )
    assert (done["status"], done["refund_amount"], done["outcome"]) == (
        "PROVISIONALLY_DONE",
        "199.00",
        "REFUND",
    )
    await api.do(oid, "resolve", api.me)
    rated = await api.do(oid, "rating", api.me, {"rating": "VERY_SATISFIED"})
    assert rated["status"] == "COMPLETED"
    history = [(h["command"], h["status_to"]) for h in rated["history"]]
    assert history == [
        ("APPLY", "PENDING_CLAIM"),
        ("CLAIM", "PENDING_AUDIT"),
        ("AUDIT_APPROVE_RETURN", "AWAITING_RETURN"),
        ("RECORD_SHIPMENT", "AWAITING_RETURN"),
        ("REGISTER_RECEIPT", "PENDING_PROCESS"),
        ("PROCESS_REFUND", "PROVISIONALLY_DONE"),
        ("CONFIRM_RESOLVED", "COMPLETED"),
        ("RATE", "COMPLETED"),
    ]
    assert rated["history"][1]["actor_id"] == "auditor"
    assert rated["history"][1]["actor_role"] == "seller_staff"
    rated_event = await api.tap.wait_for(
        lambda m: m["type"] == "serviceorder.rated" and m["payload"]["order_id"] == oid
    )
    p = rated_event["payload"]
    assert (p["rating"], p["refund_amount"], p["outcome"], p["order_version"]) == (
        "VERY_SATISFIED",
        "199.00",
        "REFUND",
        8,
    )
    assert all(p[k] for k in ("audited_at", "received_at", "processed_at", "claimed_at"))
    assert rated_event["seller_id"] == api.seller
    types = [m["type"] for m in api.tap.seen if m["payload"]["order_id"] == oid]
    assert types[0] == "serviceorder.applied"
    assert "serviceorder.audited" in types
    assert "serviceorder.processed" in types


async def test_reship_exchange_order_and_shipped_callback(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("both"))
    done = await api.do(
        o["id"], "audit", api.staff("both"), {"result": "RESHIP", "reship_sku": "SKU-NEW"}
    )
    (xo,) = done["exchanges"]
    assert (done["status"], xo["sku"], xo["amount"]) == ("PROVISIONALLY_DONE", "SKU-NEW", "199.00")
    body = {"shipped_at": "2026-11-26T08:00:00Z", "tracking_no": "JD1"}
    url = f"/v1/exchange-orders/{xo['id']}/shipped"
    assert (await api.client.post(url, json=body, headers=api.boss)).status_code == 403
    assert (
        await api.client.post("/v1/exchange-orders/XO-1-nope/shipped", json=body, headers=api.agent)
    ).status_code == 404
    r = await api.client.post(url, json=body, headers=api.agent)
    assert r.status_code == 200, r.text
    assert r.json()["exchanges"][0]["shipped_at"].startswith("2026-11-26T08:00")
    event = await api.tap.wait_for(lambda m: m["type"] == "serviceorder.exchange_shipped")
    assert event["payload"]["exchange_order_id"] == xo["id"]
    assert event["payload"]["exchange_decided_at"]


async def test_reopen_messages_reply_and_offline_exchange(api: Api) -> None:
    await api.setup_seller()
    o = await api.received()
    oid = o["id"]
    await api.do(oid, "process", api.staff("both"), {"outcome": "RETURN_ORIGINAL"}, expect=422)
    await api.do(
        oid,
        "process",
        api.staff("both"),
        {"outcome": "RETURN_ORIGINAL", "remark": "agreed by phone"},
    )
    reopened = await api.do(oid, "reopen", api.staff("processor"))
    assert reopened["status"] == "PENDING_PROCESS"
    await api.do(
        oid,
        "process",
        api.staff("both"),
        {"outcome": "EXCHANGE", "sku": "SKU-2", "amount": "199.00"},
    )
    await api.do(oid, "reopen", api.staff("processor"), expect=409)
    left = await api.do(oid, "messages", api.me, {"text": "still waiting"})
    assert left["status"] == "UNRESOLVED"
    replied = await api.do(oid, "messages", api.boss, {"text": "on its way"})
    assert [m["author_role"] for m in replied["messages"]] == ["customer", "seller_admin"]
    await api.do(oid, "resolve", api.boss, {"offline_exchange": True}, expect=422)
    done = await api.do(oid, "resolve", api.boss, {"offline_exchange": True, "tracking_no": "YT"})
    assert done["status"] == "COMPLETED"


async def test_arbitration_locks_the_order(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    oid = o["id"]
    await api.do(oid, "claim", api.staff("both"))
    await api.do(oid, "audit", api.staff("both"), {"result": "APPROVE_RETURN"})
    await api.do(oid, "arbitration", api.boss, {}, expect=422)
    locked = await api.do(oid, "arbitration", api.boss, {"reason": "customer unreachable"})
    assert locked["locked"] is True
    requested = await api.tap.wait_for(
        lambda m: m["type"] == "arbitration.requested", service="arbitration-svc"
    )
    assert requested["payload"]["order_id"] == oid
    err = await api.do(oid, "abandon", api.me, expect=409)
    assert err["error"]["code"] == "locked"
    await api.do(oid, "receipt", api.staff("both"), {"note": "arrived during the case"})
    await api.do(
        oid, "return-freight", api.staff("both"), {"amount": "5"}, expect=409, method="PUT"
    )


async def test_manual_ship_reminder_and_rejection_text_the_customer(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    oid = o["id"]
    await api.do(oid, "ship-reminder", api.boss, expect=409)
    await api.do(oid, "claim", api.staff("both"))
    await api.do(oid, "audit", api.staff("both"), {"result": "APPROVE_RETURN"})
    await api.do(oid, "ship-reminder", api.staff("processor"))
    reminder = await api.tap.wait_for(
        lambda m: m["type"] == "sms.send" and m["payload"]["template"] == "SHIP_REMINDER",
        service="sms-svc",
    )
    assert reminder["payload"]["recipient"] == "13800138000"
    assert reminder["payload"]["params"] == {"order_no": o["order_no"]}
    other = await api.apply()
    await api.do(other["id"], "claim", api.staff("auditor"))
    await api.do(other["id"], "audit", api.staff("auditor"), {"result": "REJECT", "opinion": "ok?"})
    rejected = await api.tap.wait_for(
        lambda m: m["type"] == "sms.send" and m["payload"]["template"] == "AUDIT_REJECTED",
        service="sms-svc",
    )
    assert rejected["payload"]["params"]["opinion"] == "ok?"
    assert rejected["payload"]["idempotency_key"] == f"{other['id']}:v3.AUDIT_REJECTED"
