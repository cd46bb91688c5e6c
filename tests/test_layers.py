"""Imports flow one way: schemas and services never import resources; schemas no service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from service.config import PROJECT_ROOT

SERVICE = PROJECT_ROOT / "service"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        ("schemas", "service.services"),
        ("schemas", "service.resources"),
        ("services", "service.resources"),
        ("services", "service.pages"),
        ("schemas", "service.pages"),
        ("resources", "service.pages"),
        ("auth.py", "service.resources"),
        ("errors.py", "service.services"),
        ("errors.py", "service.resources"),
        # Domain errors are raised below HTTP: problems.py writes them as responses.
        ("errors.py", "flask"),
        ("errors.py", "service.problems"),
        ("services", "flask"),
        ("services", "werkzeug"),
    ],
)
def test_a_lower_layer_imports_nothing_from_a_higher_one(modules: str, forbidden: str) -> None:
    root = SERVICE / modules
    paths = sorted(root.glob("*.py")) if root.is_dir() else [root]
    leaks = {
        str(path.relative_to(SERVICE)): sorted(
            name for name in _imports(path) if name == forbidden or name.startswith(forbidden + ".")
        )
        for path in paths
    }
    assert not {path: names for path, names in leaks.items() if names}
