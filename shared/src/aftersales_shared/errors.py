"""Errors every layer raises (pure: no I/O); the web layer maps them to HTTP statuses in one
table, `aftersales_shared.error_status`."""

from __future__ import annotations


class AppError(Exception):
    """Base of the errors a caller can see; `code` names it in the error body."""

    code = "internal_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Unauthorized(AppError):
    code = "unauthorized"


class NotPermitted(AppError):
    code = "forbidden"


class NotFound(AppError):
    code = "not_found"


class Conflict(AppError):
    """Not allowed in the current state, locked, or lost a concurrent race."""

    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class Locked(Conflict):
    code = "locked"


class ConcurrencyConflict(Conflict):
    code = "concurrent_modification"


class Invalid(AppError):
    code = "invalid"


class TooManyRequests(AppError):
    """A limit on how often a caller may do something was reached; nothing was done."""

    code = "too_many_requests"


class Unavailable(AppError):
    """Something the request needs did not answer in time; the caller may try again."""

    code = "unavailable"


class PermanentMessageError(Exception):
    """A message that can never be handled: it goes to the dead-letter queue without retries."""
