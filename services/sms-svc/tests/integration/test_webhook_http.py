"""The webhook sender against a real local server: answers, timeouts, and the
address it connects to checked by the guard (a name that resolves inward is refused)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_testkit import free_port
from sms_svc.adapters.fake_endpoint import FakeEndpoint
from sms_svc.adapters.fake_gateway import running
from sms_svc.adapters.webhook_http import HttpSender

pytestmark = pytest.mark.integration
HEADERS = {"Content-Type": "application/json", "X-Notice-Id": "ntc_1"}


def sender(*, allow_internal: bool, timeout_s: float = 2.0) -> HttpSender:
    return HttpSender(
        clock=lambda: datetime.now(UTC), timeout_s=timeout_s, allow_internal=allow_internal
    )


async def test_answers_are_outcomes() -> None:
    endpoint = FakeEndpoint(plans={"s1": [200, 503, 204]})
    post = sender(allow_internal=True)
    async with running(endpoint):
        tries = [await post.post(f"{endpoint.url}/s1", body=b"{}", headers=HEADERS) for _ in "abc"]
        await post.close()
    assert [(t.outcome, t.status_code) for t in tries] == [
        ("ok", 200),
        ("http_503", 503),
        ("ok", 204),
    ]
    assert [r.body for r in endpoint.of("s1")] == [b"{}"] * 3
    assert endpoint.of("s1")[0].headers["x-notice-id"] == "ntc_1"


async def test_a_slow_endpoint_is_a_timeout() -> None:
    endpoint = FakeEndpoint(plans={"s1": ["hang"]}, hang_s=5)
    post = sender(allow_internal=True, timeout_s=0.3)
    async with running(endpoint):
        result = await post.post(f"{endpoint.url}/s1", body=b"{}", headers=HEADERS)
        await post.close()
    assert (result.outcome, result.status_code) == ("timeout", None)


async def test_nobody_listening_is_an_error() -> None:
    post = sender(allow_internal=True)
    result = await post.post(f"http://127.0.0.1:{free_port()}/h", body=b"{}", headers=HEADERS)
    await post.close()
    assert (result.outcome, result.status_code) == ("error", None)


async def test_a_name_that_resolves_to_loopback_is_refused_when_connecting() -> None:
    endpoint = FakeEndpoint()
    async with running(endpoint):
        by_name = endpoint.url.replace("127.0.0.1", "localhost")
        guarded = sender(allow_internal=False)
        refused = await guarded.post(f"{by_name}/s1", body=b"{}", headers=HEADERS)
        await guarded.close()
        allowed = sender(allow_internal=True)
        ok = await allowed.post(f"{by_name}/s2", body=b"{}", headers=HEADERS)
        await allowed.close()
    assert refused.outcome == "refused"
    assert endpoint.of("s1") == [], "nothing reached the internal address"
    assert ok.outcome == "ok"
