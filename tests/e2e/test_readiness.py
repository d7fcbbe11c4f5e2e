"""/readyz turns not-ready when the store or the broker is gone, and ready again when it returns."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aftersales_shared.devstack import Stack
from aftersales_shared.messaging import delete_namespace
from aftersales_testkit import TcpProxy, eventually, free_port

from tests.e2e.conftest import stack_env

pytestmark = pytest.mark.e2e


@pytest.fixture
async def broker_proxy() -> AsyncIterator[TcpProxy]:
    proxy = TcpProxy(target_host="127.0.0.1", target_port=5672)
    await proxy.start()
    yield proxy
    await proxy.stop()


async def test_readiness_follows_the_store_and_the_broker(
    amqp_url: str, broker_proxy: TcpProxy
) -> None:
    data = Path(tempfile.mkdtemp(prefix="ready-"))
    store_port = free_port()
    stores, services = Stack(), Stack()
    namespace = f"ready-{uuid.uuid4().hex[:8]}"
    proxied_amqp = amqp_url.replace(":5672", f":{broker_proxy.port}")
    try:
        mongo_url = stores.start_dev_store(port=store_port, data_dir=data / "db")
        env = stack_env(
            mongo_url=mongo_url, amqp_url=proxied_amqp, namespace=namespace, db_prefix="ready"
        )
        process = services.start_service(
            "order-svc", port=free_port(), env=env, log_path=data / "svc.log"
        )
        await asyncio.to_thread(services.wait_ready, timeout=60)
        url = f"{process.url}/readyz"

        async with httpx.AsyncClient(timeout=10) as http:

            async def checks() -> dict[str, bool]:
                answer = await http.get(url)
                body: dict[str, bool] = answer.json()["checks"]
                assert (answer.status_code == 200) == all(body.values())
                return body

            stores.stop()
            await eventually(lambda: _is(checks, store=False), timeout=120, what="store down")
            stores.start_dev_store(port=store_port, data_dir=data / "db")
            await eventually(lambda: _is(checks, store=True), timeout=120, what="store back")

            await broker_proxy.stop()
            await eventually(lambda: _is(checks, broker=False), timeout=120, what="broker down")
            await broker_proxy.start()
            await eventually(
                lambda: _is(checks, store=True, broker=True), timeout=120, what="broker back"
            )
    finally:
        services.stop()
        stores.stop()
        await delete_namespace(amqp_url, namespace)
        shutil.rmtree(data, ignore_errors=True)


async def _is(checks: object, **expected: bool) -> bool:
    seen = await checks()  # type: ignore[operator]
    return all(seen[name] is value for name, value in expected.items())
