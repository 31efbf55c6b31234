"""`hayna` as processes, where the process is the point: the installed command, whose reader goes
away, a fresh database upgraded then read, a chat killed mid-conversation. Every other command
test runs `bot.cli.main` in the test's own process (tests/support/cli.py)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.i18n import translator
from conversations.menu import HOME
from conversations.onboarding import PRIVACY
from tests.support.cli import HAYNA, environment, hayna, run


def installed() -> str:
    """The `hayna` console script the package installs beside this interpreter."""
    beside = Path(sys.executable).parent / "hayna"
    found = str(beside) if beside.exists() else shutil.which("hayna")
    if found is None:
        pytest.fail("the hayna command is not installed: pip install -e '.[test]' (see README)")
    return found


def test_the_installed_command_ends_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    # `hayna organizers audit | head`: the pipe closes before the table is written.
    assert run(tmp_path, "db", "upgrade").returncode == 0
    command = subprocess.Popen(
        [installed(), "organizers", "audit"],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None
    command.stdout.close()  # before the process has written anything
    errors = command.stderr.read().decode()
    assert command.wait(timeout=60) == 141
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_a_fresh_sqlite_file_is_upgraded_then_read(tmp_path: Path) -> None:
    def process(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*HAYNA, *args],
            cwd=tmp_path,
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )

    upgraded = process("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.strip() == "database is up to date"
    database, key = tmp_path / "hayna.db", tmp_path / ".hayna-secret"
    line = f"hayna: database {database.resolve()}, key from {key.resolve()}"
    assert upgraded.stderr.splitlines()[0] == line
    listed = process("reports", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "no reports match"


def test_killed_mid_conversation_resumes_at_the_same_step(tmp_path: Path) -> None:
    chat = subprocess.Popen(
        [*HAYNA, "chat", "--as", "salma"],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("salut\n2\n")
    chat.stdin.flush()
    privacy = PRIVACY.text.render(translator("fr")).splitlines()[0]
    deadline = time.monotonic() + 30
    seen = ""
    while privacy not in seen and time.monotonic() < deadline:
        seen += chat.stdout.readline()
    assert privacy in seen, seen
    chat.send_signal(signal.SIGKILL)  # no clean shutdown at all
    chat.wait(timeout=10)

    # After the restart, the first line ("1") is not taken as the answer: the resident is
    # reminded of the question, chooses 1 (Continue), then goes on where they were.
    script = tmp_path / "rest.txt"
    script.write_text("1\n1\n1\nAgadir\n1\n", encoding="utf-8")
    result = hayna(tmp_path, "chat", "--as", "salma", "--script", str(script))
    assert result.returncode == 0, result.stderr
    reminded, _, resumed = result.stdout.partition(privacy)
    assert "Acceptez-vous" in reminded, result.stdout
    assert HOME.text.render(translator("fr")) in resumed, result.stdout
