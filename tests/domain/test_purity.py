"""The domain layer stays pure: no Flask, no SQLAlchemy, nothing outside the domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tracker.domain

DOMAIN = Path(tracker.domain.__file__).parent
ALLOWED_PREFIXES = ("tracker.domain",)
FORBIDDEN_ROOTS = {"flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted(DOMAIN.rglob("*.py")), ids=lambda p: p.relative_to(DOMAIN).as_posix()
)
def test_domain_module_imports_nothing_impure(path):
    for name in _imports(path):
        root = name.split(".")[0]
        assert root not in FORBIDDEN_ROOTS, f"{path.name} imports {name}"
        if root == "tracker":
            assert name.startswith(ALLOWED_PREFIXES), f"{path.name} imports {name}"
