"""The quality gates run with the tests: ruff, mypy (conversations, storage), import-linter, no
function longer than a screen, and one name per class across the production packages."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ("bot", "conversations", "handlers", "storage")
# Each flow of conversations/ names its own steps and answers `Step` and `Answers` (report_need
# keeps them in report_answers.py): one convention, each read by its own flow only.
PER_FLOW = frozenset({"Step", "Answers"})
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


def classes_sharing_a_name(root: Path) -> dict[str, list[str]]:
    """Class names defined more than once in the production packages, with where."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            module = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), module)):
                if isinstance(node, ast.ClassDef):
                    found[node.name].append(module)
    shared = {name: modules for name, modules in found.items() if len(modules) > 1}
    for name in PER_FLOW & shared.keys():
        if all(module.startswith("conversations/") for module in shared[name]):
            del shared[name]
    return shared


def test_one_name_per_class() -> None:
    assert classes_sharing_a_name(ROOT) == {}


def test_one_name_per_class_sees_a_clash(tmp_path: Path) -> None:
    for module, source in {
        "conversations/report.py": "class Status: ...\nclass Step: ...\n",
        "conversations/petitions.py": "class Step: ...\n",
        "storage/deliveries.py": "class Status: ...\n",
        "handlers/step.py": "class Answers: ...\n",
        "bot/flows.py": "class Answers: ...\n",
    }.items():
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text(source)
    assert classes_sharing_a_name(tmp_path) == {
        "Status": ["conversations/report.py", "storage/deliveries.py"],
        "Answers": ["bot/flows.py", "handlers/step.py"],
    }
