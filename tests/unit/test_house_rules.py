"""The domain stays pure: no I/O libraries, no wall clock (conventions.md, point 2)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_MODULES = {"fastapi", "starlette", "aio_pika", "aiormq", "pymongo", "motor", "httpx"}
FORBIDDEN_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("time", "time"), ("date", "today")}
DOMAIN_FILES = sorted(ROOT.glob("services/*/src/*/domain/**/*.py"))


def test_there_are_domain_modules_to_check() -> None:
    assert len({p.parts[-4] if p.parent.name == "domain" else p for p in DOMAIN_FILES}) >= 1


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path}: imports {name}"
        if isinstance(node, ast.AsyncFunctionDef):
            pytest.fail(f"{path}:{node.lineno}: async code in the domain")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in FORBIDDEN_CALLS
        ):
            pytest.fail(f"{path}:{node.lineno}: reads the wall clock")
