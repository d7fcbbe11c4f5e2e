from aftersales_shared.auth import CurrentPrincipal
from aftersales_shared.web import install_error_handlers
from aftersales_testkit import TEST_SECRET, bearer
from fastapi import FastAPI
from fastapi.testclient import TestClient


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.auth_secret = TEST_SECRET
    install_error_handlers(app)

    @app.get("/things/{thing_id}")
    def read(thing_id: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id}

    @app.patch("/things/{thing_id}")
    def change(thing_id: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id}

    @app.delete("/things/{thing_id}")
    def remove(thing_id: str, _: CurrentPrincipal) -> dict[str, str]:
        return {"id": thing_id}

    @app.post("/other")
    def other() -> dict[str, str]:
        return {}

    return app


client = TestClient(make_app())


def test_a_405_allows_every_method_of_the_path_not_only_the_first_routes() -> None:
    response = client.put("/things/t1", headers=bearer("platform_agent", sub="a1"))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    allowed = {method.strip() for method in response.headers["allow"].split(",")}
    assert allowed == {"GET", "PATCH", "DELETE"}
