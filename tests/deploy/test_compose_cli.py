"""The compose file as Docker Compose itself reads it: `docker compose config`, no engine."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRETS = {
    "AUTH_SECRET": "0123456789abcdef0123456789abcdef",
    "RABBITMQ_PASSWORD": "rabbit0123456789",
    "MONGO_ROOT_PASSWORD": "root0123456789",
    "MONGO_APP_PASSWORD": "app0123456789",
    "MONGO_REPLICA_SET_KEY": "key0123456789abcdef",
    "SMS_GATEWAY_URL": "https://sms-gateway.example/v1/send",
    "SMS_GATEWAY_API_KEY": "sms0123456789",
}


def env_file(tmp_path: Path, overrides: dict[str, str | None]) -> Path:
    """.env.example with some values replaced (None: the line is dropped)."""
    lines = []
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        name = line.partition("=")[0].strip()
        if not line.startswith("#") and name in overrides:
            value = overrides[name]
            if value is None:
                continue
            line = f"{name}={value}"
        lines.append(line)
    path = tmp_path / ".env"
    path.write_text("\n".join(lines) + "\n")
    return path


def config(docker_compose: str, env: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [docker_compose, "--project-directory", str(DEPLOY), "--env-file", str(env)]
    argv += ["-f", str(DEPLOY / "docker-compose.yml"), "config", *extra]
    # Only the env file speaks: the caller's own AUTH_SECRET etc. must not leak in.
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(env.parent)}
    return subprocess.run(argv, capture_output=True, text=True, check=False, env=clean)


@pytest.fixture(scope="module")
def resolved(docker_compose: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The model Docker Compose would run, with the example settings and secrets filled in."""
    env = env_file(tmp_path_factory.mktemp("env"), dict(SECRETS))
    result = config(docker_compose, env, "--format", "json")
    assert result.returncode == 0, result.stderr
    model: dict[str, Any] = json.loads(result.stdout)
    return model


def test_the_example_settings_with_secrets_make_a_valid_project(resolved: dict[str, Any]) -> None:
    assert resolved["name"] == "aftersales"
    assert len(resolved["services"]) == 8


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_a_missing_secret_stops_the_start(docker_compose: str, tmp_path: Path, secret: str) -> None:
    for missing in ("", None):  # an empty value and an absent line
        env = env_file(tmp_path, {**SECRETS, secret: missing})
        result = config(docker_compose, env, "-q")
        assert result.returncode != 0
        assert f"required variable {secret} is missing a value" in result.stderr


def test_the_copied_example_alone_does_not_start(docker_compose: str, tmp_path: Path) -> None:
    result = config(docker_compose, env_file(tmp_path, {}), "-q")
    assert result.returncode != 0
    assert "must be set in deploy/.env" in result.stderr


def test_what_compose_runs_has_health_checks_and_waits(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name
        for target, dependency in service.get("depends_on", {}).items():
            assert dependency["condition"] == "service_healthy", (name, target)
            assert services[target]["healthcheck"]["test"], target


def test_the_services_get_their_settings_and_urls(resolved: dict[str, Any]) -> None:
    order = resolved["services"]["order-svc"]["environment"]
    assert order["AUTH_SECRET"] == SECRETS["AUTH_SECRET"]
    assert order["AMQP_URL"] == f"amqp://aftersales:{SECRETS['RABBITMQ_PASSWORD']}@rabbitmq:5672/"
    assert order["MONGO_URL"] == (
        f"mongodb://aftersales:{SECRETS['MONGO_APP_PASSWORD']}@mongo:27017/"
        "?replicaSet=rs0&authSource=admin"
    )
    assert order["ENV"] == "production"
    assert order["CLOCK"] == "system"
    assert resolved["services"]["order-svc"]["image"] == "aftersales/order-svc:0.1.0"


def test_only_the_gateway_and_the_broker_ui_are_published(resolved: dict[str, Any]) -> None:
    published = {
        name: [(p.get("host_ip", ""), p["published"], p["target"]) for p in service["ports"]]
        for name, service in resolved["services"].items()
        if service.get("ports")
    }
    assert published == {
        "gateway": [("", "8000", 8000)],
        "rabbitmq": [("127.0.0.1", "15672", 15672)],
    }


def test_bind_mounts_point_at_files_of_this_directory(resolved: dict[str, Any]) -> None:
    for name, service in resolved["services"].items():
        for volume in service.get("volumes", []):
            if volume["type"] == "bind":
                source = Path(volume["source"])
                assert source.exists(), f"{name}: {source}"
                assert source.is_relative_to(DEPLOY)
                assert volume.get("read_only") is True
