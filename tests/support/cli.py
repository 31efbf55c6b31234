"""`hayna ARGS` as a person runs it, in its own environment and folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
HAYNA = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a command: its own home (so nothing is written into the real one),
    the database in ``tmp_path`` unless ``DATABASE_URL=""`` asks for the default one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "HAYNA_", "XDG_DATA_HOME"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env["HOME"] = str(tmp_path / "home")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'hayna.db'}"
    env.update(extra)
    return env


def run(
    tmp_path: Path, *args: str, cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``hayna ARGS`` as a process, in ``cwd`` (``tmp_path`` by default)."""
    return subprocess.run(
        [*HAYNA, *args],
        cwd=cwd or tmp_path,
        env=environment(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def after_database_line(stderr: str) -> str:
    """Standard error after the line every command starts with, which names its database and
    where its key comes from (tests/test_database_key.py is about that line)."""
    first, _, rest = stderr.partition("\n")
    return rest if first.startswith("hayna: database ") else stderr


def hayna(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``hayna ARGS`` in ``tmp_path``, its standard error without the database line."""
    result = run(tmp_path, *args, **extra)
    result.stderr = after_database_line(result.stderr)
    return result
