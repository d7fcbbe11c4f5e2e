"""GET /workbench serves the built page (or says it is not built); the development sign-in
exists only with ENV=development and mints tokens the API accepts."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import httpx
import pytest
from aftersales_shared.persistence import Doc
from aftersales_shared.service import create_app
from api_support import Api, BusTap
from order_svc.bootstrap import definition
from order_svc.config import Settings
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration


async def served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(definition(), settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://order-svc") as client:
            yield client


@pytest.fixture
async def page(
    settings: Settings, tmp_path: Path, mongo_client: AsyncMongoClient[Doc]
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    configured = settings.model_copy(update={"workbench_dir": tmp_path, "env": "development"})
    async for client in served(configured):
        yield client, tmp_path
    await mongo_client.drop_database(settings.mongo_db)


async def test_not_built_is_503_with_how_to_build(page: tuple[httpx.AsyncClient, Path]) -> None:
    client, _ = page
    r = await client.get("/workbench")
    assert r.status_code == 503
    assert "npm run build" in r.text
    assert r.headers["content-type"].startswith("text/html")


async def test_built_page_and_its_assets(page: tuple[httpx.AsyncClient, Path]) -> None:
    client, root = page
    (root / "assets").mkdir()
    (root / "index.html").write_text("<html>卖家工作台</html>", "utf-8")
    (root / "assets" / "index-abc.js").write_text("console.log(1)", "utf-8")
    r = await client.get("/workbench")
    assert r.status_code == 200
    assert "卖家工作台" in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    r = await client.get("/workbench/assets/index-abc.js")
    assert r.status_code == 200
    assert "immutable" in r.headers["cache-control"]
    assert (await client.get("/workbench/assets/missing.js")).status_code == 404
    assert (await client.get("/workbench/assets/..%2Findex.html")).status_code == 404


async def raw(client: httpx.AsyncClient, path: str, accept: str) -> tuple[httpx.Response, bytes]:
    """The answer's bytes as sent (httpx would otherwise undo the content coding)."""
    async with client.stream("GET", path, headers={"Accept-Encoding": accept}) as r:
        return r, b"".join([chunk async for chunk in r.aiter_raw()])


async def test_assets_are_sent_precompressed(page: tuple[httpx.AsyncClient, Path]) -> None:
    client, root = page
    (root / "assets").mkdir()
    code = b"console.log('workbench');" * 100
    (root / "assets" / "vendor-abc.js").write_bytes(code)
    (root / "assets" / "vendor-abc.js.gz").write_bytes(gzip.compress(code))
    (root / "assets" / "vendor-abc.js.br").write_bytes(b"brotli bytes")
    r, body = await raw(client, "/workbench/assets/vendor-abc.js", "gzip, deflate, br")
    assert (r.headers["content-encoding"], body) == ("br", b"brotli bytes")
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["vary"] == "Accept-Encoding"
    assert "immutable" in r.headers["cache-control"]
    r, body = await raw(client, "/workbench/assets/vendor-abc.js", "gzip")
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == code
    r, body = await raw(client, "/workbench/assets/vendor-abc.js", "identity")
    assert "content-encoding" not in r.headers
    assert body == code


async def test_page_config(page: tuple[httpx.AsyncClient, Path]) -> None:
    client, _ = page
    assert (await client.get("/workbench/config.json")).json() == {
        "metrics_url": "",
        "development": True,
    }


async def test_dev_accounts_and_tokens_the_api_accepts(
    page: tuple[httpx.AsyncClient, Path], unique: str
) -> None:
    client, _ = page
    helper = Api(client=client, unique=unique, tap=cast(BusTap, None))
    await helper.setup_seller()
    r = await client.get("/dev/accounts", params={"seller_id": helper.seller})
    accounts = {a["id"].rsplit(":", 1)[-1]: a for a in r.json()["items"]}
    assert accounts[helper.seller]["role"] == "seller_admin"
    assert accounts["auditor"]["permissions"] == ["AUDIT"]
    assert accounts["both"]["permissions"] == ["AUDIT", "PROCESS"]
    unknown = await client.get("/dev/accounts", params={"seller_id": "no-such-shop"})
    assert unknown.json() == {"items": []}
    r = await client.post("/dev/tokens", json={"account": accounts["auditor"]["id"]})
    token = r.json()["token"]
    r = await client.get("/v1/service-orders", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    refused = await client.post("/dev/tokens", json={"account": f"seller_staff:{helper.seller}:x"})
    assert refused.status_code == 404  # no such staff member


async def test_no_dev_sign_in_in_production(
    settings: Settings, mongo_client: AsyncMongoClient[Doc]
) -> None:
    production = settings.model_copy(update={"env": "production"})
    async for client in served(production):
        assert (await client.post("/dev/tokens", json={"account": "a:b:c"})).status_code == 404
        assert (await client.get("/dev/accounts")).status_code == 404
        assert (await client.get("/workbench/config.json")).json()["development"] is False
    await mongo_client.drop_database(settings.mongo_db)
