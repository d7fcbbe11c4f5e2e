from __future__ import annotations

import pytest
from sms_svc.domain.phone import InvalidPhone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812341234", "13812341234"),
        ("+8613812341234", "13812341234"),
        ("8613812341234", "13812341234"),
        ("008619912345678", "19912345678"),
        ("+86 138-1234-1234", "13812341234"),
        ("15000000000", "15000000000"),
    ],
)
def test_mainland_mobiles_are_normalised(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1381234123",  # 10 digits
        "138123412345",  # 12 digits
        "12812341234",  # 12x is not a mobile prefix
        "23812341234",
        "+8513812341234",  # another country
        "+86138123412",
        "021-12345678",  # a landline
        "1381234123a",
        "+1 415 555 0100",
    ],
)
def test_anything_else_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812341234", "138****1234"), ("1234567", "*******"), ("", "")],
)
def test_masking_keeps_three_and_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    "raw",
    [
        "10000000000",  # 10x and 12x are not mobile prefixes
        "12000000000",
        "\u0661\u0663\u0668\u0661\u0662\u0663\u0664\u0661\u0662\u0663\u0664",  # Arabic-Indic
        "\uff11\uff13\uff18\uff11\uff12\uff13\uff14\uff11\uff12\uff13\uff14",  # full-width
        "13812341234\n",
    ],
)
def test_what_order_svc_used_to_accept_is_refused_here_too(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)
