"""The domain imports nothing that does I/O and never reads the clock itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "timer_svc" / "domain"
ALLOWED = {"__future__", "dataclasses", "datetime", "enum", "typing", "uuid", "pydantic"}


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                assert name is not None
                root = name.split(".")[0]
                ok = root in ALLOWED or name.startswith(
                    ("aftersales_shared.contracts", "aftersales_shared.errors", "timer_svc.domain")
                )
                assert ok, f"{path.name} imports {name}"
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"now", "utcnow", "today"}, f"{path.name} reads the clock"
