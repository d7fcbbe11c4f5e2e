import pytest
from aftersales_shared.settings import DEV_SECRET, ServiceSettings
from pydantic import ValidationError


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="development secret"):
        ServiceSettings(env="production", auth_secret=DEV_SECRET)


def test_production_refuses_the_virtual_clock() -> None:
    with pytest.raises(ValidationError, match="virtual"):
        ServiceSettings(env="production", auth_secret="x" * 32, clock="virtual")


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_SECRET", "from-the-environment-123")
    monkeypatch.setenv("MONGO_DB_PREFIX", "demo")
    monkeypatch.setenv("HTTP_PORT", "9123")
    settings = ServiceSettings(service_name="order-svc")
    assert settings.auth_secret.get_secret_value() == "from-the-environment-123"
    assert settings.mongo_db == "demo_order_svc"
    assert settings.http_port == 9123


def test_a_missing_secret_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    with pytest.raises(ValidationError, match="auth_secret"):
        ServiceSettings(_env_file=None)  # type: ignore[call-arg]


def test_cors_origins_default_to_none_and_are_comma_separated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    assert ServiceSettings(auth_secret="x" * 32).cors_origin_list == []
    monkeypatch.setenv("CORS_ORIGINS", "http://127.0.0.1:8001, http://localhost:8001,")
    assert ServiceSettings(auth_secret="x" * 32).cors_origin_list == [
        "http://127.0.0.1:8001",
        "http://localhost:8001",
    ]
