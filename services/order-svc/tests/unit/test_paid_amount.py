"""An application must have paid something: pre-compensation and refunds need a positive amount."""

from __future__ import annotations

from decimal import Decimal

import pydantic
import pytest
from order_builders import application


@pytest.mark.parametrize("paid", ["0", "0.00", "-1.00"])
def test_an_application_must_have_paid_something(paid: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="paid_amount"):
        application(paid_amount=Decimal(paid))
    assert application(paid_amount=Decimal("0.01")).paid_amount == Decimal("0.01")
