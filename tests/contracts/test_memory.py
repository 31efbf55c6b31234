"""The in-memory implementation stands for the seams only: it imports conversations and the
standard library, never storage or an I/O library (or it would test storage against itself)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MEMORY = Path(__file__).resolve().parents[1] / "memory"


def _imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_memory_imports_only_conversations_and_the_standard_library() -> None:
    modules = sorted(MEMORY.glob("*.py"))
    assert len(modules) >= 8, "one module per noun"
    for path in modules:
        for name in _imported(path):
            root = name.split(".")[0]
            allowed = root in sys.stdlib_module_names or root in ("conversations", "__future__")
            assert allowed or name.startswith("tests.memory"), f"{path.name} imports {name}"
