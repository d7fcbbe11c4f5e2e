"""Audit images: raster only by their bytes, served inert; a refused audit stores none."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from api_support import Api

pytestmark = pytest.mark.integration
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def image(data: bytes, content_type: str, filename: str = "a.png") -> dict[str, str]:
    encoded = base64.b64encode(data).decode()
    return {"filename": filename, "content_type": content_type, "data_base64": encoded}


@pytest.mark.parametrize(
    "upload",
    [
        image(SVG, "image/svg+xml", "x.svg"),
        image(SVG, "image/png"),  # the bytes decide, not the claim
        image(b"<html><script>1</script></html>", "image/gif"),
        image(PNG, "image/jpeg"),
    ],
)
async def test_only_raster_images_are_accepted(api: Api, upload: dict[str, str]) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("both"))
    body = {"result": "APPROVE_RETURN", "attachments": [upload]}
    await api.do(o["id"], "audit", api.staff("both"), body, expect=422)


async def test_an_image_is_served_with_nosniff_csp_and_disposition(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("both"))
    body = {"result": "APPROVE_RETURN", "attachments": [image(PNG, "image/png", 'é"x.png')]}
    audited = await api.do(o["id"], "audit", api.staff("both"), body)
    (meta,) = audited["audit"]["attachments"]
    r = await api.client.get(
        f"/v1/service-orders/{o['id']}/attachments/{meta['id']}", headers=api.boss
    )
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "sandbox" in r.headers["content-security-policy"]
    disposition = r.headers["content-disposition"]
    assert disposition.startswith(f'inline; filename="{meta["id"]}"')
    assert "filename*=UTF-8''%C3%A9%22x.png" in disposition


async def stored_images(api: Api, mongo_client: Any, settings: Any, order_id: str) -> int:
    images = mongo_client[settings.mongo_db]["attachments"]
    return int(await images.count_documents({"order_id": {"$eq": order_id}}))


async def test_a_refused_audit_stores_no_image(api: Api, mongo_client: Any, settings: Any) -> None:
    await api.setup_seller()
    o = await api.apply()
    three = [image(PNG + bytes([i]) * 1000, "image/png") for i in range(3)]
    body = {"result": "APPROVE_RETURN", "attachments": three}
    await api.do(o["id"], "audit", api.boss, body, expect=409)  # not claimed yet
    await api.do(o["id"], "claim", api.staff("both"))
    await api.do(o["id"], "audit", api.staff("auditor"), body, expect=403)  # not the claimer
    reship = {"result": "RESHIP", "attachments": three}  # RESHIP needs a reship_sku
    await api.do(o["id"], "audit", api.staff("both"), reship, expect=422)
    assert await stored_images(api, mongo_client, settings, o["id"]) == 0
    await api.do(o["id"], "audit", api.staff("both"), body)
    assert await stored_images(api, mongo_client, settings, o["id"]) == 3


async def test_a_filename_the_order_cannot_keep_is_422_not_500(api: Api) -> None:
    await api.setup_seller()
    o = await api.apply()
    await api.do(o["id"], "claim", api.staff("both"))
    too_long = {"result": "APPROVE_RETURN", "attachments": [image(PNG, "image/png", "x" * 101)]}
    await api.do(o["id"], "audit", api.staff("both"), too_long, expect=422)
    longest = {"result": "APPROVE_RETURN", "attachments": [image(PNG, "image/png", "x" * 100)]}
    audited = await api.do(o["id"], "audit", api.staff("both"), longest)
    assert audited["audit"]["attachments"][0]["filename"] == "x" * 100
