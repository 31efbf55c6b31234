"""The tests' own layout: what several test modules share lives in tests/support/, so no module
imports a test module or the conftest (pytest loads those itself, and an import runs a test
module twice under two names)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def forbidden(module: str) -> bool:
    """A test module or a conftest, at any depth of the tests package."""
    first, *rest = module.split(".")
    return first == "tests" and any(p.startswith("test_") or p == "conftest" for p in rest)


def imported(tree: ast.AST, package: str = "tests") -> list[str]:
    """Every module an import statement names, at any depth (a function's own imports too),
    relative imports resolved from ``package``, the importing module's; for `from M import N`,
    M, or M.N when N may be a module of M."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            parent = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*parent, *([node.module] if node.module else [])])
            if forbidden(module):
                names.append(module)
            else:
                names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_no_test_module_imports_a_test_module_or_the_conftest() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = ".".join(path.parent.relative_to(TESTS.parent).parts)
        found += [
            f"{path.relative_to(TESTS.parent)} imports {name}"
            for name in imported(tree, package)
            if forbidden(name)
        ]
    assert not found, "move what is shared to tests/support/:\n" + "\n".join(found)


def test_the_check_sees_each_form_of_import() -> None:
    source = (
        "import tests.test_cli\n"
        "from tests.conftest import VAULT\n"
        "from tests import test_petitions, support\n"
        "def f():\n    from tests.test_meetings import ADMIN\n"
        "from tests.support.clock import Clock\n"
        "from tests.fake_telegram import FakeTelegram\n"
        "from ..conftest import IN_CI\n"
        "from . import test_rights\n"
        "from .store import MemoryStore\n"
    )
    found = [n for n in imported(ast.parse(source), "tests.memory") if forbidden(n)]
    assert sorted(found) == [
        "tests.conftest",
        "tests.conftest",
        "tests.memory.test_rights",
        "tests.test_cli",
        "tests.test_meetings",
        "tests.test_petitions",
    ]
