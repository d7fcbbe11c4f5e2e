import base64
import json
from collections.abc import Iterator

from aftersales_shared.auth import CurrentPrincipal, Role, require_roles
from aftersales_shared.body_limit import MAX_BODY_BYTES
from aftersales_shared.errors import InvalidTransition
from aftersales_shared.web import install_http_layer
from aftersales_testkit import TEST_SECRET, bearer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field


class Body(BaseModel):
    amount: int = Field(ge=0)


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.auth_secret = TEST_SECRET
    install_http_layer(app)

    @app.post("/things")
    def create(body: Body, who: CurrentPrincipal) -> dict[str, object]:
        if body.amount == 13:
            raise InvalidTransition("unlucky amount", state="PENDING_AUDIT")
        if body.amount == 14:
            raise InvalidTransition("details may be named anything", status="PENDING_CLAIM")
        return {"by": who.sub, "amount": body.amount}

    @app.get("/agents-only", dependencies=[require_roles(Role.PLATFORM_AGENT)])  # type: ignore[list-item]
    def agents() -> dict[str, bool]:
        return {"ok": True}

    return app


client = TestClient(make_app())
AGENT = bearer(Role.PLATFORM_AGENT, sub="a1")


def test_no_token_is_401_in_the_common_error_shape() -> None:
    response = client.post("/things", json={"amount": 1})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_domain_errors_map_to_their_status_with_details() -> None:
    response = client.post(
        "/things", json={"amount": 13}, headers={**AGENT, "X-Correlation-Id": "corr-13"}
    )
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_transition",
            "message": "unlucky amount",
            "state": "PENDING_AUDIT",
            "correlation_id": "corr-13",
        }
    }


def test_validation_errors_are_422_naming_the_field() -> None:
    response = client.post("/things", json={"amount": -5}, headers=AGENT)
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "amount" in body["message"]


def test_roles_are_enforced_with_403() -> None:
    customer = bearer(Role.CUSTOMER, sub="c1")
    assert client.get("/agents-only", headers=customer).status_code == 403
    assert client.get("/agents-only", headers=AGENT).json() == {"ok": True}


def test_correlation_id_is_echoed_or_made() -> None:
    given = client.post(
        "/things", json={"amount": 2}, headers={**AGENT, "X-Correlation-Id": "corr-42"}
    )
    assert given.headers["x-correlation-id"] == "corr-42"
    made = client.post("/things", json={"amount": 2}, headers=AGENT)
    assert len(made.headers["x-correlation-id"]) == 32


def test_unknown_route_is_404_in_the_common_shape() -> None:
    response = client.get("/nowhere", headers=AGENT)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_body_declared_over_the_ceiling_is_413_before_parsing() -> None:
    big = b'{"amount": 1, "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    response = client.post(
        "/things", content=big, headers={**AGENT, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_a_streamed_body_is_counted_and_refused_past_the_ceiling() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"amount": 1, "pad": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = client.post(
        "/things", content=chunks(), headers={**AGENT, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_the_largest_legal_audit_fits_under_the_ceiling() -> None:
    image = base64.b64encode(b"\xff" * 800 * 1024).decode()
    audit = {"result": "REJECT", "opinion": "\u4e2d" * 2000, "attachments": []}
    audit["attachments"] = [
        {"filename": "f" * 200, "content_type": "image/jpeg", "data_base64": image}
    ] * 3
    assert len(json.dumps(audit).encode()) < MAX_BODY_BYTES


def test_an_error_detail_may_be_called_status() -> None:
    response = client.post("/things", json={"amount": 14}, headers=AGENT)
    assert response.status_code == 409
    assert response.json()["error"]["status"] == "PENDING_CLAIM"
