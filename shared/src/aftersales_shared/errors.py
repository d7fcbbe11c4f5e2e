"""Errors every layer raises and every entrypoint maps the same way (pure: no I/O)."""

from __future__ import annotations


class AppError(Exception):
    """Base of the errors a caller can see; `status` is the HTTP status an API answers with."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class NotPermitted(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    """Not allowed in the current state, locked, or lost a concurrent race."""

    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Locked(Conflict):
    code = "locked"


class ConcurrencyConflict(Conflict):
    code = "concurrent_modification"


class Invalid(AppError):
    status = 422
    code = "invalid"


class PermanentMessageError(Exception):
    """A message that can never be handled: it goes to the dead-letter queue without retries."""
