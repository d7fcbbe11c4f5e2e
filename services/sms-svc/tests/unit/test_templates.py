from __future__ import annotations

import pytest
from aftersales_shared.contracts.messages import SMS_TEMPLATES
from sms_svc.domain.templates import OUTCOMES, SEGMENT, TEXTS, InvalidParams, render

LONGEST = {
    "order_no": "SO2026112612345678",
    "amount": "99999.99",
    "opinion": "商品无质量问题",
    "outcome": "RETURN_ORIGINAL",
    "days_left": "5",
}


def params_for(template: str, **override: str) -> dict[str, str]:
    return {name: override.get(name, LONGEST[name]) for name in SMS_TEMPLATES[template]}


def test_every_contract_template_has_a_text_and_nothing_more() -> None:
    assert set(TEXTS) == set(SMS_TEMPLATES)


@pytest.mark.parametrize("template", sorted(SMS_TEMPLATES))
def test_each_text_fits_one_segment_and_names_the_order(template: str) -> None:
    text = render(template, params_for(template))
    assert len(text) <= SEGMENT, (len(text), text)
    assert "SO2026112612345678" in text
    assert "{" not in text


def test_amount_and_outcome_appear_in_words() -> None:
    assert "199.00元" in render("REFUND_ISSUED", {"order_no": "A1", "amount": "199.00"})
    for code, words in OUTCOMES.items():
        assert words in render("ARBITRATION_RULED", {"order_no": "A1", "outcome": code})


def test_a_long_opinion_is_shortened_to_one_segment() -> None:
    opinion = "商品外包装完好，" * 20
    text = render("AUDIT_REJECTED", params_for("AUDIT_REJECTED", opinion=opinion))
    assert len(text) == SEGMENT
    assert text.endswith("…")
    assert text.startswith("【售后】服务单SO2026112612345678审核未通过，商家意见：商品外包装完好")


@pytest.mark.parametrize(
    ("template", "params", "fragment"),
    [
        ("NO_SUCH", {"order_no": "A1"}, "unknown template"),
        ("RETURN_APPROVED", {}, "missing ['order_no']"),
        ("RETURN_APPROVED", {"order_no": "A1", "x": "1"}, "unknown ['x']"),
        ("RETURN_APPROVED", {"order_no": "A 1"}, "order_no"),
        ("RETURN_APPROVED", {"order_no": "A" * 33}, "order_no"),
        ("REFUND_ISSUED", {"order_no": "A1", "amount": "12.5"}, "amount"),
        ("REFUND_ISSUED", {"order_no": "A1", "amount": "-1.00"}, "amount"),
        ("REFUND_ISSUED", {"order_no": "A1", "amount": "1e3"}, "amount"),
        ("AUDIT_REJECTED", {"order_no": "A1", "opinion": "   "}, "opinion"),
        ("ARBITRATION_RULED", {"order_no": "A1", "outcome": "MAYBE"}, "outcome"),
        ("SELLER_RETURN_WARNING", {"order_no": "A1", "days_left": "five"}, "days_left"),
        ("SELLER_RETURN_WARNING", {"order_no": "A1", "days_left": "100"}, "days_left"),
    ],
)
def test_bad_parameters_say_why(template: str, params: dict[str, str], fragment: str) -> None:
    with pytest.raises(InvalidParams, match=r".*") as raised:
        render(template, params)
    assert fragment in str(raised.value)
