"""deploy/Dockerfile, every service's image by build arguments: linted, its invariants for each
service, its uv steps replayed without Docker."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
BUILD_ARGS = {"SERVICE", "PORT"}
SERVICES = {
    "order-svc": 8001,
    "timer-svc": 8002,
    "sms-svc": 8003,
    "metrics-svc": 8004,
    "arbitration-svc": 8005,
}
PINNED_FROM = re.compile(r"^[a-z0-9./-]+:\d+\.\d+\.\d+[A-Za-z0-9.-]*(@sha256:[0-9a-f]{64})?$")
DEV_ONLY = {"pytest", "ruff", "mypy", "hypothesis", "nx-27017", "testcontainers"}


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", text)
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), " ".join(rest.split())))
    return pairs


def stages(text: str) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage, in order."""
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, rest))
    return result


def dockerfile(name: str) -> str:
    """The Dockerfile as Docker reads it for one service: its build arguments substituted."""
    text = DOCKERFILE.read_text()
    for arg, value in {"SERVICE": name, "PORT": str(SERVICES[name])}.items():
        text = text.replace(f'"${{{arg}}}"', value).replace(f"${{{arg}}}", value)
    return text


def test_hadolint_passes(hadolint: str) -> None:
    command = [hadolint, str(DOCKERFILE)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_dockerfile_serves_every_service() -> None:
    """One file for five services: a fix to one is a fix to all; none has a copy of its own."""
    assert sorted(ROOT.glob("services/*/Dockerfile")) == []
    code = " ".join(rest for _, rest in instructions(DOCKERFILE.read_text()))
    for name in SERVICES:
        assert name not in code
        assert name.replace("-", "_") not in code
        assert not re.search(rf"\b{SERVICES[name]}\b", code), SERVICES[name]
    for stage in stages(DOCKERFILE.read_text()):
        used = set(re.findall(r"\$\{(\w+)\}", " ".join(rest for _, rest in stage)))
        declared = {rest for keyword, rest in stage if keyword == "ARG"}
        assert used & BUILD_ARGS <= declared, f"{stage[0][1]}: uses {used} but declares {declared}"


@pytest.mark.parametrize("name", SERVICES)
def test_the_service_command_is_what_python_m_runs(name: str) -> None:
    """CMD runs the service's `[project.scripts]` entry: the main() its `__main__` calls."""
    package = name.replace("-", "_")
    project = tomllib.loads((ROOT / "services" / name / "pyproject.toml").read_text())
    entry = project["project"]["scripts"][name]
    assert entry == f"{package}.entrypoints.main:main"
    dunder_main = ROOT / "services" / name / "src" / package / "__main__.py"
    assert dunder_main.read_text() == f"from {package}.entrypoints.main import main\n\nmain()\n"


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_dockerfile_invariants(name: str, port: int) -> None:
    all_stages = stages(dockerfile(name))
    froms = [stage[0][1].split()[0] for stage in all_stages]
    assert len(all_stages) >= 2, "multi-stage"
    for image in froms:
        assert "latest" not in image
        assert PINNED_FROM.match(image), f"base image not pinned: {image}"
    builder, runtime = all_stages[-2], all_stages[-1]
    # The runtime stage starts from the same Python as the builder (the venv links to it).
    assert froms[-1] == froms[-2]
    assert "@sha256:" in froms[-1]
    runs = [rest for keyword, rest in builder if keyword == "RUN"]
    syncs = [run for run in runs if "uv sync" in run]
    assert len(syncs) == 2, "dependencies first, then the workspace packages"
    for sync in syncs:
        assert "--mount=type=cache,target=/root/.cache/uv" in sync
        for flag in ("--frozen", "--no-dev", "--no-editable", f"--package {name}"):
            assert flag in sync, f"{flag} missing from: {sync}"
    assert "--no-install-workspace" in syncs[0]
    env = " ".join(rest for keyword, rest in builder if keyword == "ENV")
    assert "UV_COMPILE_BYTECODE=1" in env
    assert "UV_LINK_MODE=copy" in env
    copies = [rest for keyword, rest in runtime if keyword == "COPY"]
    assert copies == ["--from=builder /app/.venv /app/.venv"], "only the venv reaches the image"
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users, "no USER in the final stage"
    assert users[-1].split(":")[0] not in {"root", "0"}
    health = [rest for keyword, rest in runtime if keyword == "HEALTHCHECK"]
    assert len(health) == 1
    assert "urllib.request" in health[0]
    assert "/readyz" in health[0]
    assert ("EXPOSE", str(port)) in runtime
    assert f"HTTP_PORT={port}" in " ".join(rest for keyword, rest in runtime if keyword == "ENV")
    runs = [rest for keyword, rest in runtime if keyword == "RUN"]
    assert f'test -x "/app/.venv/bin/{name}" && ln -s {name} /app/.venv/bin/service' in runs
    assert runtime[-1] == ("CMD", '["service"]')


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rule: the last pattern matching the path (or a parent) decides."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        glob = pattern[1:] if negate else pattern
        regex = re.escape(glob.rstrip("/")).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\[cod\]", "[cod]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


def build_context(tmp: Path) -> Path:
    """The files `docker build .` would send from the repository root, after .dockerignore."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    context = tmp / "context"
    for path in tracked:
        if not dockerignored(path, patterns) and (ROOT / path).is_file():
            (context / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, context / path)
    return context


def test_the_context_holds_the_workspace_and_nothing_else(tmp_path: Path) -> None:
    context = build_context(tmp_path)
    files = {p.relative_to(context).as_posix() for p in context.rglob("*") if p.is_file()}
    assert {"pyproject.toml", "uv.lock", "shared/pyproject.toml"} <= files
    assert "services/order-svc/src/order_svc/__main__.py" in files
    assert not any(f.startswith(("tests/", "deploy/", "scripts/", ".git")) for f in files)
    assert not any("/tests/" in f or f.endswith("Dockerfile") for f in files)


@pytest.mark.parametrize("name", ["order-svc", "sms-svc"])
def test_the_builder_steps_install_only_this_service(name: str, tmp_path: Path) -> None:
    """Replay the builder stage's mounts, COPYs and `uv sync` commands against the real context."""
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH (run the tests with `uv run pytest`)")
    context = build_context(tmp_path)
    workdir, venv = tmp_path / "src", tmp_path / "venv"
    workdir.mkdir()
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "0"}
    env.pop("VIRTUAL_ENV", None)
    builder = stages(dockerfile(name))[-2]
    for keyword, rest in builder:
        if keyword == "COPY" and not rest.startswith("--from"):
            source, target = rest.split()
            shutil.copytree(context / source, workdir / Path(target).relative_to("/src"))
        if keyword == "RUN" and "uv sync" in rest:
            words = shlex.split(rest)
            for word in words:
                if word.startswith("--mount=type=bind"):
                    spec = dict(item.split("=", 1) for item in word[len("--mount=") :].split(","))
                    shutil.copy2(context / spec["source"], workdir / spec["target"])
            command = [uv, *words[words.index("uv") + 1 :]]
            result = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
            assert result.returncode == 0, result.stderr
            for mounted in ("uv.lock", "pyproject.toml"):
                (workdir / mounted).unlink()  # a bind mount leaves nothing behind
    site = next(venv.glob("lib/python3.*/site-packages"))
    installed = {p.name.split("-")[0].lower().replace("_", "-") for p in site.glob("*.dist-info")}
    assert {"aftersales-shared", name} <= installed
    others = set(SERVICES) - {name}
    assert not installed & others, installed & others
    assert not installed & DEV_ONLY, installed & DEV_ONLY
    package = name.replace("-", "_")
    probe = f"import {package}.entrypoints.main; print({package}.__file__)"
    ran = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().startswith(str(site)), "installed non-editable, into the venv"
    assert os.access(venv / "bin" / name, os.X_OK), "the command the runtime stage links to"
