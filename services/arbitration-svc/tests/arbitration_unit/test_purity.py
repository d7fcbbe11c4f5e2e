"""The domain imports nothing that does I/O and never reads the wall clock."""

from __future__ import annotations

import ast
from pathlib import Path

import arbitration_svc.domain as domain

ALLOWED_ROOTS = {"__future__", "datetime", "decimal", "enum", "typing", "pydantic"}
ALLOWED_SHARED = {"aftersales_shared.errors", "aftersales_shared.contracts.messages"}


def test_domain_is_pure() -> None:
    files = list(Path(domain.__file__).parent.glob("*.py"))
    assert len(files) >= 3
    for path in files:
        source = path.read_text()
        assert "datetime.now" not in source, path
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                pure = name.split(".")[0] in ALLOWED_ROOTS or name in ALLOWED_SHARED
                assert pure or name.startswith("arbitration_svc.domain"), (path, name)
