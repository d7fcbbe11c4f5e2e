"""Publishing what tells of a notice, and reading notices and deliveries, for the tests."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aftersales_shared.auth import Role
from aftersales_shared.clock import VirtualClock
from aftersales_shared.contracts import envelope
from aftersales_shared.contracts.messages import ServiceOrderEvent
from aftersales_shared.contracts.notices import NoticeRequested
from aftersales_testkit import bearer, eventually
from sms_svc.adapters.fake_endpoint import FakeEndpoint
from sms_svc.adapters.fake_gateway import running

from .conftest import PLATFORM, Sms, StartSms

SECRET = "a-webhook-secret-of-the-seller"
FAST = {
    "clock": "virtual",
    "webhook_timeout_s": 0.5,
    "webhook_max_attempts": 3,
    "webhook_backoff_s": 10,
    "webhook_backoff_max_s": 60,
    "webhook_sweep_interval_s": 0.05,
    "webhook_lease_s": 5,
}
"""Back-off in tens of seconds of the virtual clock, which the tests move on instead of waiting."""


def admin(seller: str) -> dict[str, str]:
    return bearer(Role.SELLER_ADMIN, sub=f"admin-{seller}", seller_id=seller)


def verify(body: bytes, signature: str, secret: str = SECRET) -> bool:
    """What a seller's endpoint does with `X-Signature`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@contextlib.asynccontextmanager
async def hooked(
    start_sms: StartSms,
    endpoint: FakeEndpoint,
    *sellers: str,
    port: int | None = None,
    **settings: Any,
) -> AsyncIterator[Sms]:
    """sms-svc with the sellers' webhooks pointing at `endpoint` (on `port` if given)."""
    async with running(endpoint, port=port), start_sms(**(FAST | settings)) as sms:
        for seller in sellers:
            body = {"url": f"{endpoint.url}/{seller}", "secret": SECRET}
            answer = await sms.client.put(
                f"/v1/webhooks/{seller}", json=body, headers=admin(seller)
            )
            assert answer.status_code == 200, answer.text
        yield sms


async def request_notice(
    sms: Sms,
    seller: str,
    key: str,
    *,
    kind: str = "AUDIT_DUE_SOON",
    envelope_id: str | None = None,
    **fields: Any,
) -> None:
    """Publish a `notice.requested` as order-svc or metrics-svc would."""
    now = datetime.now(UTC)
    defaults: dict[str, Any] = {"order_id": f"o-{key}", "order_no": "SO1"}
    if kind == "FINED":
        defaults = {"amount": "2000.00", "order_ids": ["o-1"]}
    if kind != "FINED":
        defaults["due_at"] = now + timedelta(hours=2)
    payload = NoticeRequested(notice_key=key, seller_id=seller, kind=kind, **(defaults | fields))  # type: ignore[arg-type]
    await sms.runtime.bus.publish(
        envelope(
            type="notice.requested",
            payload=payload,
            occurred_at=now,
            seller_id=seller,
            id=envelope_id,
        )
    )


async def order_event(sms: Sms, name: str, *, envelope_id: str, **fields: Any) -> None:
    """Publish a `serviceorder.<name>` as order-svc's relay would."""
    now = datetime.now(UTC)
    facts: dict[str, Any] = {
        "order_id": "o-1", "order_no": "SO1", "seller_id": "s-1", "category": "phones",
        "customer_tier": "GOLD", "status_from": "AWAITING_RETURN",
        "status_to": "PROVISIONALLY_DONE",
        "command": name, "actor_id": "system", "actor_role": "system", "paid_amount": "199.00",
        "applied_at": now, "order_version": 3,
    }  # fmt: skip
    payload = ServiceOrderEvent(**(facts | fields))
    await sms.runtime.bus.publish(
        envelope(
            type=f"serviceorder.{name}", payload=payload, occurred_at=now,
            seller_id=payload.seller_id, id=envelope_id,
        )
    )  # fmt: skip


async def notices(sms: Sms, headers: dict[str, str] = PLATFORM, **query: str) -> dict[str, Any]:
    answer = await sms.client.get("/v1/notices", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def deliveries(
    sms: Sms, seller: str, headers: dict[str, str] = PLATFORM
) -> list[dict[str, Any]]:
    answer = await sms.client.get(f"/v1/webhooks/{seller}/deliveries", headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def settled(sms: Sms, seller: str, status: str) -> dict[str, Any]:
    """Move the virtual clock to each retry's time until the seller's delivery is `status`."""
    clock = sms.runtime.clock
    assert isinstance(clock, VirtualClock)

    async def probe() -> dict[str, Any] | None:
        found = await deliveries(sms, seller)
        if found and found[0]["status"] == status:
            return found[0]
        retry = found[0]["next_retry"] if found else None
        if retry is not None:
            wait = (datetime.fromisoformat(retry) - clock.now()).total_seconds()
            if wait > 0:
                clock.advance(wait + 0.01)
        return None

    return await eventually(probe, timeout=30, what=f"{seller}'s delivery {status}")
