from aftersales_shared.auth import CurrentPrincipal, Role, require_roles
from aftersales_shared.errors import InvalidTransition
from aftersales_shared.testing import TEST_SECRET, bearer
from aftersales_shared.web import CorrelationMiddleware, install_error_handlers
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field


class Body(BaseModel):
    amount: int = Field(ge=0)


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.auth_secret = TEST_SECRET
    app.add_middleware(CorrelationMiddleware)
    install_error_handlers(app)

    @app.post("/things")
    def create(body: Body, who: CurrentPrincipal) -> dict[str, object]:
        if body.amount == 13:
            raise InvalidTransition("unlucky amount", state="PENDING_AUDIT")
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
    response = client.post("/things", json={"amount": 13}, headers=AGENT)
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_transition",
            "message": "unlucky amount",
            "state": "PENDING_AUDIT",
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
