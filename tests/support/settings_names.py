"""The environment variables bot/settings.py reads, found in its source: the docs
(tests/test_docs.py) and .env.example (tests/test_deployment.py) must name each of them."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "conversations", "storage")
# A setting is named like DATABASE_URL, PORT or HAYNA_SECRET_KEY.
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
LOG_LEVELS = frozenset(logging.getLevelNamesMapping())
STR_METHODS = frozenset(dir(str))


def _source(module: str) -> Path | None:
    path = ROOT.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(tree: ast.AST, module: str, package: bool) -> set[str]:
    """The project's modules that `module` imports (a name imported from one may be a module)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                parents = parts[: len(parts) - node.level + (1 if package else 0)]
                base = ".".join([*parents, base] if base else parents)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in PACKAGES}


def _names_an_environment(node: ast.AST) -> bool:
    """`env`, `environ`, `os.environ`, `self.env`...: something that holds the environment."""
    if isinstance(node, ast.Name):
        return "env" in node.id.lower()
    if isinstance(node, ast.Attribute):
        return "env" in node.attr.lower() or _names_an_environment(node.value)
    return False


def _names(node: ast.AST) -> list[str]:
    return [
        sub.value
        for sub in ast.walk(node)
        if isinstance(sub, ast.Constant)
        and isinstance(sub.value, str)
        and SETTING_NAME.fullmatch(sub.value)
    ]


def _read_from_environment(tree: ast.AST) -> set[str]:
    """Names read from an environment: env.get("X"), env["X"], os.getenv("X"), f(env, "X")."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _names_an_environment(node.value):
            found.update(_names(node.slice))
        elif isinstance(node, ast.Call):
            func = node.func
            # os.getenv("X"), env.get("X"), os.environ.get("X"): the name is the first argument.
            reads = isinstance(func, ast.Attribute) and (
                func.attr == "getenv" or _names_an_environment(func.value)
            )
            if reads:
                found.update(_names(node.args[0]) if node.args else [])
            elif any(_names_an_environment(arg) for arg in node.args):
                for arg in node.args:
                    if isinstance(arg, ast.Constant):
                        found.update(_names(arg))
    return found


def _every_name(tree: ast.AST) -> set[str]:
    """Every constant of bot/settings.py named like a setting, but log levels and the arguments
    of string methods (`sid.startswith("HX")`)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STR_METHODS
            and not _names_an_environment(node.func.value)
        ):
            skipped.update(id(arg) for arg in node.args)
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and SETTING_NAME.fullmatch(node.value)
        and node.value not in LOG_LEVELS
    }


def settings_read() -> set[str]:
    """The variables bot/settings.py reads, and those read by the project's modules it imports
    (a channel's settings may be read in the channel's own folder)."""
    path = _source("bot.settings")
    assert path is not None, "no bot/settings.py"
    settings = ast.parse(path.read_text("utf-8"))
    found = _every_name(settings) | _read_from_environment(settings)
    seen = {"bot.settings"}
    queue = sorted(_imported(settings, "bot.settings", path.name == "__init__.py"))
    while queue:
        module = queue.pop()
        if module in seen:
            continue
        seen.add(module)
        source = _source(module)
        if source is None:
            continue
        tree = ast.parse(source.read_text("utf-8"))
        found |= _read_from_environment(tree)
        queue.extend(_imported(tree, module, source.name == "__init__.py") - seen)
    return found
