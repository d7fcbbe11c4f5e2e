"""What every service's OpenAPI description says of its error answers and its shared headers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header
from pydantic import BaseModel, ConfigDict

IDEMPOTENCY_KEY_MAX = 200

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Same key + same body: the first answer again, and nothing done twice",
    ),
]
"""The `Idempotency-Key` header of a state-changing route, with the bounds the store enforces."""


class ErrorDetail(BaseModel):
    """The code and message of an error; some errors add fields (e.g. `fields`, `state`)."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class ErrorBody(BaseModel):
    """The one error shape of every service."""

    error: ErrorDetail


_WRITES = frozenset({"post", "put", "patch", "delete"})
_DESCRIPTIONS = {
    "400": "The body cannot be read as text (not UTF-8); malformed JSON is a 422",
    "401": "No token, or a bad one",
    "403": "Yours, but not permitted",
    "404": "Not found, or not yours",
    "409": "Not allowed in the current state, locked, or a concurrent change",
    "413": "The body is larger than any legal request",
    "422": "Invalid parameters or payload; `fields` names each one",
    "503": "The store or the broker is unavailable; retry later",
}


def error_statuses(*, method: str, operation: dict[str, Any]) -> list[str]:
    """The shared error statuses an operation can answer with."""
    secured = bool(operation.get("security"))
    has_body = "requestBody" in operation
    statuses = {
        "400": has_body,
        "401": secured,
        "403": secured,
        "404": secured,
        "409": secured and method in _WRITES,
        "413": has_body,
        "422": has_body or bool(operation.get("parameters")),
        "503": secured,
    }
    return [status for status, applies in statuses.items() if applies]


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error answers, in the one error shape, to each operation where they apply."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas["ErrorBody"] = body
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method=method, operation=operation):
                description = responses.get(status, {}).get("description", _DESCRIPTIONS[status])
                if status == "422" or description == "Validation Error":
                    description = _DESCRIPTIONS[status]
                responses[status] = {"description": description, "content": content}
            operation["responses"] = dict(sorted(responses.items()))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def describe_errors(app: FastAPI) -> None:
    """Make the app's /openapi.json document the shared error answers of every operation."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
