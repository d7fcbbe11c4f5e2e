"""The one table from domain and service errors to the HTTP status an API answers with."""

from __future__ import annotations

from aftersales_shared.errors import (
    AppError,
    Conflict,
    Invalid,
    NotFound,
    NotPermitted,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)

STATUS_OF: dict[type[AppError], int] = {
    Unauthorized: 401,
    NotPermitted: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    TooManyRequests: 429,
    Unavailable: 503,
}


def http_status(error: AppError) -> int:
    """The status of the nearest class in the table (a subclass answers as its parent); else 500."""
    for kind in type(error).__mro__:
        status = STATUS_OF.get(kind)
        if status is not None:
            return status
    return 500
