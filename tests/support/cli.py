"""`hayna ARGS` as a person runs it: in this process by default (its exit code and what it wrote,
as a finished process shows them), or as a process where a test is about the process itself."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from bot.cli import main
from storage.database import STATEMENTS_LOGGER

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


@dataclass
class Ran:
    """A finished command: its exit code, standard output as written, standard error."""

    returncode: int
    output: bytes
    stderr: str

    @property
    def stdout(self) -> str:
        """Standard output as text, read as `subprocess.run(..., text=True)` reads it."""
        return _text(self.output)


def run(tmp_path: Path, *args: str, cwd: Path | None = None, stdin: str = "", **extra: str) -> Ran:
    """``hayna ARGS`` in this process, as if started in ``cwd`` (``tmp_path`` by default) with
    ``environment(tmp_path, **extra)`` and ``stdin`` as its input.

    From a coroutine the command runs in a thread, with its own event loop as from a shell.
    """
    with _as_started(tmp_path, cwd or tmp_path, environment(tmp_path, **extra)):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _main(list(args), stdin)
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(_main, list(args), stdin).result()


def run_until_terminated(
    tmp_path: Path, *args: str, meanwhile: Callable[[], object] = lambda: None, **extra: str
) -> Ran:
    """``hayna ARGS``, a command that runs until SIGTERM, in this process's main thread as from a
    shell: once the command listens for SIGTERM, ``meanwhile()`` runs in another thread, then
    SIGTERM stops the command. What ``meanwhile`` raised is raised once the command stopped.

    Until then SIGTERM does nothing else to this process (uvicorn raises the signal it caught
    again once it has stopped, for a process's exit status).
    """
    assert threading.current_thread() is threading.main_thread(), "signals go to the main thread"
    ignored = _Ignored()
    before = signal.signal(signal.SIGTERM, ignored)
    done, failures = threading.Event(), []

    def listening() -> bool:
        return signal.getsignal(signal.SIGTERM) not in (ignored, signal.SIG_DFL, before)

    def drive() -> None:
        deadline = time.monotonic() + 60
        while not listening():
            if done.is_set() or time.monotonic() > deadline:
                return  # it stopped (or never started) by itself: its result says why
            time.sleep(0.01)
        try:
            meanwhile()
        except BaseException as error:
            failures.append(error)
        finally:
            if listening():
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    try:
        ran = run(tmp_path, *args, **extra)
    finally:
        done.set()
        driver.join(60)
        signal.signal(signal.SIGTERM, before)
    if failures:
        raise failures[0]
    return ran


def wait_for_output(text: str, timeout: float = 30) -> None:
    """Wait until the command running (in another thread) has written ``text`` to standard
    output, as a reader of its pipe would."""
    deadline = time.monotonic() + timeout
    while text not in _written(sys.stdout).decode("utf-8", "replace"):
        assert time.monotonic() < deadline, f"the command never wrote {text!r}"
        time.sleep(0.01)


class _Ignored:
    """A SIGTERM handler that does nothing."""

    def __call__(self, signum: int, frame: object) -> None:
        pass


def after_database_line(stderr: str) -> str:
    """Standard error after the line every command starts with, which names its database and
    where its key comes from (tests/test_database_key.py is about that line)."""
    first, _, rest = stderr.partition("\n")
    return rest if first.startswith("hayna: database ") else stderr


def hayna(tmp_path: Path, *args: str, **extra: str) -> Ran:
    """``hayna ARGS`` in ``tmp_path``, its standard error without the database line."""
    result = run(tmp_path, *args, **extra)
    result.stderr = after_database_line(result.stderr)
    return result


@contextmanager
def _as_started(tmp_path: Path, cwd: Path, env: dict[str, str]) -> Iterator[None]:
    """This process's environment and working folder as the command's, then as they were."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name not in env]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        yield


def _main(args: list[str], stdin: str) -> Ran:
    out, err = _stream(), _stream()
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        with _logging_kept(), _signals_kept():
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse: --help, or an argument refused
                code = _exit_status(exit_.code, err)
            except Exception:
                # What the interpreter does with an exception nothing caught.
                traceback.print_exc(file=err)
                code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    out.flush()
    err.flush()
    return Ran(code, _written(out), _text(_written(err)))


def _stream() -> io.TextIOWrapper:
    """A standard stream as a pipe gives it: UTF-8, not a terminal, with a binary buffer."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _written(stream: TextIO) -> bytes:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


def _text(data: bytes) -> str:
    """Decoded strictly, with universal newlines, as a text-mode pipe reads it."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


def _exit_status(code: object, err: io.TextIOWrapper) -> int:
    """The exit status `raise SystemExit(code)` gives a process."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


@contextmanager
def _logging_kept() -> Iterator[None]:
    """The command configures the root logger for its process (bot/logs.py): afterwards, the
    handlers it installed are closed, and the root's handlers and the levels are as they were."""
    root, statements = logging.getLogger(), logging.getLogger(STATEMENTS_LOGGER)
    handlers, level, statements_level = list(root.handlers), root.level, statements.level
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        for handler in [h for h in handlers if h not in root.handlers]:
            root.addHandler(handler)
        root.setLevel(level)
        statements.setLevel(statements_level)


@contextmanager
def _signals_kept() -> Iterator[None]:
    """`hayna dispatch` and `hayna poll` stop on SIGINT and SIGTERM (bot/cli.py), and asyncio
    leaves the default handlers behind: afterwards, this process's handlers are restored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
