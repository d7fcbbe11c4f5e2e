"""A customer's photo is an http(s) address: the workbench shows it as a link a seller opens, so
nothing else (javascript:, data:, a bare word) may be stored as one."""

from __future__ import annotations

import pytest
from order_svc.domain.commands import Apply, Feedback
from pydantic import ValidationError

APPLICATION = {
    "order_no": "JD1001",
    "seller_id": "s1",
    "sku": "SKU-1",
    "quantity": 1,
    "paid_amount": "99.00",
    "category": "手机通讯",
    "reason": "broken",
    "description": "screen",
    "quality_issue": True,
    "customer_phone": "13800138000",
}


@pytest.mark.parametrize(
    "address",
    ["http://p/1", "https://img.example.com/a/b.jpg?w=300#top", "HTTPS://IMG.EXAMPLE.COM/x"],
)
def test_an_http_address_is_taken_as_sent(address: str) -> None:
    assert Feedback(text="more", photos=[address]).photos == [address]
    assert Apply.model_validate({**APPLICATION, "photos": [address]}).photos == [address]


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "//img.example.com/x.jpg",
        "photo.jpg",
        "http://",
        "https://img.example.com/a b.jpg",
        "https://img.example.com/\x00.jpg",
        "ftp://img.example.com/x.jpg",
        "https://" + "x" * 1000,
        "",
    ],
)
def test_anything_else_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="photos"):
        Feedback(text="more", photos=[address])
    with pytest.raises(ValidationError, match="photos"):
        Apply.model_validate({**APPLICATION, "photos": [address]})


def test_the_schema_says_what_is_taken() -> None:
    items = Feedback.model_json_schema()["properties"]["photos"]["items"]
    assert items["pattern"].startswith("^[Hh][Tt][Tt][Pp][Ss]?://")
    assert items["maxLength"] == 1000
