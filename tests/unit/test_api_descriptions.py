"""Every service's OpenAPI description: the shared error answers and the Idempotency-Key bounds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.descriptions import SERVICES, description_of

WRITES = {"post", "put", "patch", "delete"}


def _operations(service: str) -> list[tuple[str, str, dict[str, Any]]]:
    paths = description_of(service)["paths"]
    return [(path, method, op) for path, item in paths.items() for method, op in item.items()]


@pytest.mark.parametrize("service", SERVICES)
def test_every_secured_operation_documents_the_errors_it_can_answer(service: str) -> None:
    for path, method, operation in _operations(service):
        if not operation.get("security"):
            continue
        documented = set(operation["responses"])
        expected = {"401", "403", "404", "503"} | ({"409"} if method in WRITES else set())
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        missing = expected - documented
        assert not missing, f"{service} {method.upper()} {path} does not document {missing}"
        error = operation["responses"]["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorBody"}


@pytest.mark.parametrize("service", ["order-svc", "sms-svc", "arbitration-svc"])
def test_the_idempotency_key_header_declares_the_length_the_store_enforces(service: str) -> None:
    declared = [
        (path, parameter["schema"])
        for path, _, operation in _operations(service)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    ]
    assert declared, f"{service} declares no Idempotency-Key"
    for path, schema in declared:
        string = next(option for option in schema["anyOf"] if option.get("type") == "string")
        assert (string.get("minLength"), string.get("maxLength")) == (1, 200), path
