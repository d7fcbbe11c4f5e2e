"""One table maps every error to its HTTP status; the errors themselves carry none."""

from __future__ import annotations

import pytest
from aftersales_shared import errors
from aftersales_shared.error_status import http_status


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.Unauthorized("x"), 401),
        (errors.NotPermitted("x"), 403),
        (errors.NotFound("x"), 404),
        (errors.Conflict("x"), 409),
        (errors.InvalidTransition("x"), 409),
        (errors.Locked("x"), 409),
        (errors.ConcurrencyConflict("x"), 409),
        (errors.Invalid("x"), 422),
        (errors.Unavailable("x"), 503),
        (errors.AppError("x"), 500),
    ],
)
def test_each_error_answers_its_status(error: errors.AppError, status: int) -> None:
    assert http_status(error) == status


def test_an_error_a_service_derives_answers_as_its_parent() -> None:
    class ApplicationOpen(errors.Conflict):
        code = "application_open"

    assert http_status(ApplicationOpen("open")) == 409


def test_no_error_class_carries_an_http_status() -> None:
    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert [c.__name__ for c in classes if "status" in vars(c)] == []
