"""The quality gates run with the tests: ruff, mypy (conversations, storage), import-linter, and
no function longer than a screen."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ("bot", "conversations", "handlers", "storage")
# From its `def` to its last line: longer, a function wants splitting into named steps.
MAX_FUNCTION_LINES = 50
# Alembic revisions are history: each is written once and never edited, so they are not split.
MIGRATIONS = ROOT / "storage" / "migrations"


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / tool if (BIN / tool).exists() else shutil.which(tool)
    if executable is None:
        pytest.fail(f"{tool} is not installed: install the test extra (see README)")
    return subprocess.run(
        [str(executable), *args], cwd=ROOT, capture_output=True, text=True, timeout=240
    )


def test_ruff_lint() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_conversations_and_storage() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts() -> None:
    result = run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


def long_functions() -> list[str]:
    """Every function of the packages longer than `MAX_FUNCTION_LINES`, as path:line name (n)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.is_relative_to(MIGRATIONS):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.append(f"{where} {node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_fifty_lines() -> None:
    assert long_functions() == [], "split into named steps:\n" + "\n".join(long_functions())
