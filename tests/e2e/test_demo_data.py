"""The demo data `make run` loads: run twice against the five services, it adds nothing the
second time; every node of the workbench has orders; the closed weeks rank shop A in the
Bottom-10 three weeks in a row, with penalties."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from aftersales_shared.auth import Role
from aftersales_testkit import TEST_SECRET, bearer

from tests.e2e.conftest import RunningStack

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import demo_data

pytestmark = pytest.mark.e2e
NODES = (
    "PENDING_CLAIM",
    "PENDING_AUDIT",
    "AWAITING_RETURN",
    "PENDING_PROCESS",
    "PROVISIONALLY_DONE",
    "UNRESOLVED",
)


async def test_demo_data_is_loaded_once_with_every_node(
    running_stack: RunningStack, http: httpx.AsyncClient, amqp_url: str
) -> None:
    args = {
        "order_url": running_stack.url("order-svc"),
        "metrics_url": running_stack.url("metrics-svc"),
        "amqp_url": amqp_url,
        "namespace": running_stack.namespace,
        "secret": TEST_SECRET,
        "retry_delay_ms": 200,  # the stack's BUS_RETRY_DELAY_MS
    }
    first = await demo_data.load(**args)
    assert first["orders_created"] == first["orders"] == len(demo_data.SCENARIOS)
    assert len(first["closed_weeks"]) == 3
    boss = bearer(Role.SELLER_ADMIN, sub="demo-shop-a-admin", seller_id=demo_data.SHOP_A)
    url = running_stack.url("order-svc")
    before = (await http.get(f"{url}/v1/service-orders/counts", headers=boss)).json()
    second = await demo_data.load(**args)
    assert second["orders_created"] == 0
    after = (await http.get(f"{url}/v1/service-orders/counts", headers=boss)).json()
    assert after == before
    for node in NODES:
        assert after["by_status"][node] >= 1, node
    assert after["locked"] == 1
    assert after["shipped"] >= 1
    assert after["customer_responded"] == 1
    assert after["due_within_24h"] >= 2
    metrics = running_stack.url("metrics-svc")
    qc = bearer(Role.QC_ANALYST, sub="demo-qc")
    last = first["closed_weeks"][-1]
    bottom = (await http.get(f"{metrics}/v1/weeks/{last}/bottom10", headers=qc)).json()
    text = str(bottom)
    assert demo_data.SHOP_A in text
    escalations = (await http.get(f"{metrics}/v1/escalations", headers=qc)).json()
    assert demo_data.SHOP_A in str(escalations)
    penalties = await http.get(
        f"{metrics}/v1/penalties", headers=qc, params={"seller_id": demo_data.SHOP_A}
    )
    assert penalties.status_code == 200, penalties.text
    assert demo_data.SHOP_A in penalties.text
