"""Which module may import which: persistence no messaging, runtime code no test kit."""

from __future__ import annotations

import ast
from pathlib import Path

import aftersales_shared
import aftersales_testkit

SHARED = Path(aftersales_shared.__file__).parent
TESTKIT = Path(aftersales_testkit.__file__).parent
MAX_LINES = 250


def imported(path: Path) -> set[str]:
    """Every module a file imports (absolute names)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_persistence_imports_no_messaging_module() -> None:
    modules = sorted((SHARED / "persistence").glob("*.py"))
    assert len(modules) >= 5
    offenders = {
        f"{path.name}: {n}"
        for path in modules
        for n in imported(path)
        if n.startswith(("aftersales_shared.messaging", "aftersales_shared.bus", "aio_pika"))
    }
    assert offenders == set()


def test_no_runtime_module_of_the_shared_library_imports_the_test_kit() -> None:
    offenders = {
        str(path.relative_to(SHARED))
        for path in SHARED.rglob("*.py")
        if any(
            n.startswith("aftersales_testkit") or n == "aftersales_shared.testing"
            for n in imported(path)
        )
    }
    assert offenders == set()


def test_the_compatibility_modules_are_gone() -> None:
    for name in ("bus.py", "testing.py", "store.py", "idempotency.py"):
        assert not (SHARED / name).exists(), f"aftersales_shared/{name} is back"


def test_the_bus_and_store_modules_are_small() -> None:
    long = {
        str(path): n
        for path in [
            *(SHARED / "messaging").glob("*.py"),
            *(SHARED / "persistence").glob("*.py"),
            *TESTKIT.glob("*.py"),
        ]
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
