"""The docs keep up with the code: every `hayna` command and option, every setting, every link.

The commands come from the parser `bot/cli.py` builds and the settings from the names
`bot/settings.py` reads, so a command or a variable added without its documentation fails here.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.settings_names import SETTING_NAME, settings_read

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
FENCE = re.compile(r"^\s*(```|~~~)")


def pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def without_code(text: str) -> str:
    """The page without its fenced code blocks, where a `[x](y)` is no link."""
    kept, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        kept.append("" if fenced else line)
    return "\n".join(kept)


def blocks() -> list[str]:
    """Every paragraph, table, list or code block of the docs (text between blank lines)."""
    found: list[str] = []
    for page in pages():
        found.extend(part for part in re.split(r"\n\s*\n", page.read_text("utf-8")) if part)
    return found


# -- the commands ------------------------------------------------------------------------------


class _Caught(BaseException):
    """Raised instead of parsing, carrying the parser `main` was about to use."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__()
        self.parser = parser


def _returns_parser(function: Any) -> bool:
    annotation = inspect.signature(function).return_annotation
    return "ArgumentParser" in str(annotation)


def cli_parser(monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The parser of `bot/cli.py`, however it is built: a function of it that returns one, else
    the parser its `main(argv)` parses with (caught before it parses anything)."""
    cli = importlib.import_module("bot.cli")
    for value in vars(cli).values():
        if (
            inspect.isfunction(value)
            and value.__module__ == cli.__name__
            and _returns_parser(value)
            and not any(
                p.default is inspect.Parameter.empty
                for p in inspect.signature(value).parameters.values()
            )
        ):
            parser = value()
            if isinstance(parser, argparse.ArgumentParser):
                return parser

    def catch(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> NoReturn:
        raise _Caught(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_known_args", catch)
    try:
        cli.main(["--help"])
    except _Caught as caught:
        return caught.parser
    pytest.fail("bot/cli.py builds no argparse parser that this test can find")


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Each command path (("petitions", "publish"), ...) with its long options."""
    options = [
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]
    if path:
        yield path, options
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def named(path: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\bhayna\s+" + r"\s+".join(map(re.escape, path)) + r"(?![\w-])")


def test_every_hayna_command_is_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    found = list(commands(cli_parser(monkeypatch)))
    assert len(found) > 10, "the walk of the parser found almost no commands"
    text = "\n".join(page.read_text("utf-8") for page in pages())
    missing = [" ".join(("hayna", *path)) for path, _ in found if not named(path).search(text)]
    assert not missing, f"not in README.md nor docs/: {missing}"


def test_every_option_is_documented_beside_its_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """An option is documented in a paragraph, table or code block that names its command."""
    every = blocks()
    missing = []
    for path, options in commands(cli_parser(monkeypatch)):
        beside = [block for block in every if named(path).search(block)]
        for option in options:
            flag = re.compile(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])")
            if not any(flag.search(block) for block in beside):
                missing.append(f"hayna {' '.join(path)} {option}")
    assert not missing, f"options not documented beside their command: {missing}"


# -- the settings ------------------------------------------------------------------------------


def test_the_settings_are_found() -> None:
    """Guards the test below: the parse of bot/settings.py must keep finding its variables."""
    found = settings_read()
    assert len(found) >= 10, found
    assert all(SETTING_NAME.fullmatch(name) for name in found)


def test_every_setting_is_documented() -> None:
    text = "\n".join(page.read_text("utf-8") for page in pages())
    missing = sorted(
        name for name in settings_read() if not re.search(rf"(?<![\w]){name}(?![\w])", text)
    )
    assert not missing, (
        f"settings read by bot/settings.py missing from README.md and docs/: {missing}"
    )


# -- the links ---------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading.strip().lower())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    counts: dict[str, int] = {}
    for line in without_code(page.read_text("utf-8")).splitlines():
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            base = slug(heading.group(1))
            n = counts.get(base, 0)
            counts[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


def links(page: Path) -> list[str]:
    text = without_code(page.read_text("utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code is no link either
    return LINK.findall(text) + REFERENCE.findall(text)


def test_the_docs_exist() -> None:
    assert DOCS.is_dir() and len(pages()) > 5


@pytest.mark.parametrize("page", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file(page: Path) -> None:
    broken = []
    for target in links(page):
        if SCHEME.match(target) or target.startswith("//"):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor.lower() not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: {broken}"


# -- the README --------------------------------------------------------------------------------


def test_the_readme_stays_short() -> None:
    lines = README.read_text("utf-8").count("\n")
    assert lines <= 120, f"README.md has {lines} lines: move details to docs/"


def test_the_readme_gives_the_test_command_ci_runs() -> None:
    ci = ROOT / ".ci" / "run"
    if not ci.exists():
        pytest.skip("no .ci/run here")
    command = [line for line in ci.read_text("utf-8").splitlines() if "pytest" in line]
    assert command, ".ci/run runs no pytest"
    assert command[-1].strip() in README.read_text("utf-8")
