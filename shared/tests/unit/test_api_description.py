import json
from typing import Any

import jsonschema
from aftersales_shared.api_description import describe_errors, error_statuses
from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.web import install_error_handlers
from aftersales_testkit import TEST_SECRET, bearer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel


class Body(BaseModel):
    name: str


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.auth_secret = TEST_SECRET
    install_error_handlers(app)
    describe_errors(app)

    @app.get("/things/{thing_id}")
    def read(thing_id: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id}

    @app.patch("/things/{thing_id}")
    def change(thing_id: str, body: Body, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id, "name": body.name}

    @app.delete("/things/{thing_id}")
    def remove(thing_id: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id}

    @app.get("/open")
    def open_() -> dict[str, bool]:
        return {"ok": True}

    return app


client = TestClient(make_app())
AGENT = bearer("platform_agent", sub="a1")


def _responses(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    responses: dict[str, Any] = document["paths"][path][method]["responses"]
    return responses


def test_errors_are_documented_in_the_error_shape_where_they_can_happen() -> None:
    document = client.get("/openapi.json").json()
    change = _responses(document, "/things/{thing_id}", "patch")
    assert {"400", "401", "403", "404", "409", "413", "422", "503"} <= set(change)
    assert change["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    read = _responses(document, "/things/{thing_id}", "get")
    assert {"401", "403", "404", "422", "503"} <= set(read)
    assert not {"400", "409", "413"} & set(read)
    assert set(_responses(document, "/open", "get")) == {"200"}
    schemas = document["components"]["schemas"]
    assert schemas["ErrorBody"]["required"] == ["error"]
    assert "HTTPValidationError" not in schemas


def test_the_documented_error_shape_is_the_one_answered() -> None:
    document = client.get("/openapi.json").json()
    refs = json.dumps(document["components"]["schemas"]).replace(
        "#/components/schemas/", "#/$defs/"
    )
    schema = {"$ref": "#/$defs/ErrorBody", "$defs": json.loads(refs)}
    as_json = {**AGENT, "content-type": "application/json"}
    answers = {
        401: client.get("/things/t1"),
        422: client.patch("/things/t1", json={"name": 5}, headers=AGENT),
        400: client.patch("/things/t1", content=b'{"name": "\xff"}', headers=as_json),
    }
    for status, response in answers.items():
        assert response.status_code == status, response.text
        assert str(status) in _responses(document, "/things/{thing_id}", "patch")
        jsonschema.validate(response.json(), schema)


def test_statuses_follow_the_operation() -> None:
    secured_write = {"security": [{"HTTPBearer": []}], "requestBody": {}, "parameters": []}
    assert error_statuses(method="post", operation=secured_write) == [
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
        "503",
    ]
    assert error_statuses(method="get", operation={"parameters": [{"in": "query"}]}) == ["422"]
