"""The domain imports nothing that does I/O and never reads the clock."""

from __future__ import annotations

import ast
from pathlib import Path

import order_svc.domain

FORBIDDEN = ("fastapi", "pymongo", "aio_pika", "aiormq", "httpx", "motor", "asyncio", "structlog")


def test_domain_is_pure() -> None:
    root = Path(order_svc.domain.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                clock = node.func.attr in {"now", "utcnow", "today", "time"}
                assert not clock, f"{path.name} reads the clock"
            assert not isinstance(node, ast.AsyncFunctionDef), f"{path.name} is async"
