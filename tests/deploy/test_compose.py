"""deploy/docker-compose.yml: valid by the compose specification, and the operators' invariants."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
SERVICES = {
    "order-svc": 8001,
    "timer-svc": 8002,
    "sms-svc": 8003,
    "metrics-svc": 8004,
    "arbitration-svc": 8005,
}
INFRA = ("mongo", "rabbitmq")
PINNED = re.compile(r"^[a-z0-9./-]+:\d+\.\d+\.\d+[A-Za-z0-9.-]*(@sha256:[0-9a-f]{64})?$")
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?([^}]*)\}")
SECONDS = {"s": 1, "m": 60, "h": 3600}


def seconds(duration: str) -> int:
    """A compose duration such as "45s" or "1m30s", in seconds."""
    parts = re.findall(r"(\d+)([smh])", duration)
    assert parts, f"not a duration: {duration!r}"
    return sum(int(n) * SECONDS[unit] for n, unit in parts)


def variables(text: str) -> dict[str, str]:
    """Every ${NAME...} in the compose file → its operator (":?", ":-", "" ...)."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return {m[1]: m[2] or "" for m in VARIABLE.finditer("\n".join(lines))}


def test_compose_file_is_valid_by_the_compose_specification(check_jsonschema: list[str]) -> None:
    """check-jsonschema's vendored compose-spec schema: offline, no Docker needed."""
    cmd = [*check_jsonschema, "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_an_invalid_file(
    check_jsonschema: list[str], tmp_path: Path
) -> None:
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  gateway:\n    image: nginx:1.28.0\n    restarts: always\n")
    cmd = [*check_jsonschema, "--builtin-schema", "vendor.compose-spec", str(broken)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode != 0


def test_the_platform_is_all_there(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*INFRA, *SERVICES, "gateway"}


@pytest.mark.parametrize("name", [*INFRA, *SERVICES, "gateway"])
def test_every_service_has_a_health_check_restart_policy_and_grace(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    check = service.get("healthcheck")
    assert check, f"{name} has no health check"
    assert not check.get("disable")
    assert check["test"][0] in {"CMD", "CMD-SHELL"}
    assert service["restart"] in {"unless-stopped", "always"}
    assert seconds(service["stop_grace_period"]) >= 30
    assert service["logging"]["options"]["max-size"]


def test_every_service_healthy_dependency_has_a_health_check(compose: dict[str, Any]) -> None:
    services = compose["services"]
    targets = {
        target
        for service in services.values()
        for target, condition in (service.get("depends_on") or {}).items()
        if condition["condition"] == "service_healthy"
    }
    assert targets == {*INFRA, *SERVICES}
    for target in targets:
        assert services[target].get("healthcheck"), f"{target} is waited for but has no check"


def test_services_wait_for_the_stores_and_the_gateway_for_the_services(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in SERVICES:
        waits = {
            t
            for t, c in services[name]["depends_on"].items()
            if c == {"condition": "service_healthy"}
        }
        assert waits == set(INFRA), name
    gateway_waits = services["gateway"]["depends_on"]
    assert gateway_waits == {name: {"condition": "service_healthy"} for name in SERVICES}


@pytest.mark.parametrize("name", [*INFRA, "gateway"])
def test_third_party_images_are_pinned_by_version(compose: dict[str, Any], name: str) -> None:
    image = compose["services"][name]["image"]
    assert "latest" not in image
    assert PINNED.match(image), f"{name}: {image} is not pinned to an exact version"


def test_rabbitmq_has_the_management_plugin(compose: dict[str, Any]) -> None:
    assert compose["services"]["rabbitmq"]["image"].split("@")[0].endswith("-management")


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_service_images_are_versioned_and_built_from_the_one_dockerfile(
    compose: dict[str, Any], name: str, port: int
) -> None:
    service = compose["services"][name]
    assert (
        service["image"] == f"${{IMAGE_PREFIX:-aftersales}}/{name}:${{AFTERSALES_VERSION:-0.1.0}}"
    )
    assert service["build"] == {
        "context": "..",
        "dockerfile": "deploy/Dockerfile",
        "args": {"SERVICE": name, "PORT": str(port)},
    }
    assert (
        COMPOSE_FILE.parent / service["build"]["context"] / service["build"]["dockerfile"]
    ).is_file()
    assert service["environment"]["HTTP_PORT"] == str(port)
    assert service["environment"]["HTTP_HOST"] == "0.0.0.0"
    assert service["expose"] == [str(port)]
    # Scalable: no fixed host port, no fixed container name.
    assert "ports" not in service
    assert "container_name" not in service
    # BUS_SHUTDOWN_GRACE_S (20 s) + uvicorn's 5 s before SIGKILL, with room to spare.
    assert seconds(service["stop_grace_period"]) >= 20 + 5 + 10
    assert service["healthcheck"]["test"][:3] == ["CMD", "python", "-c"]
    assert "/readyz" in service["healthcheck"]["test"][3]


def test_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    mounts = {
        name: [v.split(":")[0] for v in compose["services"][name]["volumes"]]
        for name in ("mongo", "rabbitmq")
    }
    assert {"mongo-data", "mongo-config"} <= set(mounts["mongo"])
    assert "rabbitmq-data" in mounts["rabbitmq"]
    assert declared == {"mongo-data", "mongo-config", "rabbitmq-data"}


def test_mongo_runs_as_a_replica_set_that_initiates_itself(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    conf = (COMPOSE_FILE.parent / "mongo" / "mongod.conf").read_text()
    assert "replSetName: rs0" in conf
    check = " ".join(mongo["healthcheck"]["test"][1:])
    assert "rs.initiate" in check
    assert "isWritablePrimary" in check
    for name in SERVICES:
        assert "replicaSet=rs0" in compose["services"][name]["environment"]["MONGO_URL"]


def test_every_required_variable_is_in_env_example(
    compose_text: str, env_example: dict[str, str]
) -> None:
    found = variables(compose_text)
    required = {name for name, op in found.items() if op == ":?"}
    assert {"AUTH_SECRET", "RABBITMQ_PASSWORD", "MONGO_APP_PASSWORD"} <= required
    assert required <= set(env_example), required - set(env_example)
    # And every optional one too: .env.example lists every setting.
    assert set(found) <= set(env_example), set(found) - set(env_example)
    # Secrets have no value in the example: a copied file must be filled in before the start.
    for secret in ("AUTH_SECRET", "RABBITMQ_PASSWORD", "MONGO_ROOT_PASSWORD", "MONGO_APP_PASSWORD"):
        assert env_example[secret] == "", f"{secret} must not have a default"


def test_secrets_are_never_given_a_default(compose_text: str) -> None:
    for name, op in variables(compose_text).items():
        if any(word in name for word in ("SECRET", "PASSWORD", "KEY")):
            assert op == ":?", f"{name} must be required (${{{name}:?...}}), not defaulted"


@pytest.mark.parametrize("name", SERVICES)
def test_every_setting_of_every_service_is_passed_and_documented(
    compose: dict[str, Any], env_example: dict[str, str], name: str
) -> None:
    """The settings classes are the truth: a setting added to a service must reach compose."""
    package = name.replace("-", "_")
    settings = importlib.import_module(f"{package}.config").Settings
    environment = compose["services"][name]["environment"]
    for field in settings.model_fields:
        env_name = field.upper()
        if env_name == "SERVICE_NAME":
            continue
        assert env_name in environment, f"{name}: {env_name} is not passed by compose"
        fixed = {"HTTP_HOST", "HTTP_PORT", "AMQP_URL", "MONGO_URL"}
        assert env_name in fixed or env_name in env_example, f"{env_name} not in .env.example"


def test_the_gateway_publishes_port_8000_and_routes_to_the_contract_ports(
    compose: dict[str, Any],
) -> None:
    gateway = compose["services"]["gateway"]
    assert gateway["ports"] == ["${GATEWAY_PORT:-8000}:8000"]
    env = gateway["environment"]
    for name, port in SERVICES.items():
        assert env[f"{name.replace('-', '_').upper()}_UPSTREAM"] == f"{name}:{port}"
    assert env["GATEWAY_RESOLVER"] == "127.0.0.11"
    assert env["CLOCK"] == "${CLOCK:-system}"
    assert "./nginx/templates:/etc/nginx/templates:ro" in gateway["volumes"]
