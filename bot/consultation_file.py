"""A consultation written as a JSON file, for `hayna consultations create FILE`: its texts in up
to four languages, its audience, its times in Moroccan time, its questions. Every mistake is
said in one line naming where it is (``questions[2].kind``), before anything is stored.

    {"commune": "Tiznit", "asked_by": "Association Nour", "anonymous": true, "groups": [],
     "title": {"fr": "Nos priorités", "ar": "أولوياتنا"}, "purpose": {"fr": "…"},
     "opens": "now", "closes": "2026-12-20 18:00",
     "questions": [{"kind": "rank", "prompt": {"fr": "Classez trois priorités"},
                    "options": [{"fr": "Éclairage"}, {"fr": "Eau"}, {"fr": "Bus"}]}]}
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.command_line import CommandRefused, commune_code
from bot.meeting_commands import local_time
from conversations.consultation import ConsultationDraft, Question, QuestionKind, Texts
from storage.gazetteer import Gazetteer

KINDS = ", ".join(QuestionKind)


def read_draft(path: Path, gazetteer: Gazetteer, now: datetime) -> ConsultationDraft:
    """The consultation ``path`` describes; raises `CommandRefused` saying what is wrong."""
    try:
        given = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandRefused(f"{path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandRefused(f"{path}: not JSON in UTF-8 ({error})") from None
    if not isinstance(given, dict):
        raise CommandRefused(f"{path}: the file must hold one object {{...}}")
    questions = given.get("questions")
    if not isinstance(questions, list):
        raise CommandRefused("questions: a list of questions is needed")
    return ConsultationDraft(
        commune_code(gazetteer, _text(given, "commune")),
        _text(given, "asked_by"),
        _texts(given.get("title"), "title"),
        _texts(given.get("purpose"), "purpose"),
        now if given.get("opens", "now") == "now" else _when(given, "opens", now),
        _when(given, "closes", now),
        tuple(_question(q, f"questions[{n}]") for n, q in enumerate(questions)),
        anonymous=_flag(given, "anonymous", True),
        group_ids=_groups(given.get("groups", [])),
        meeting_id=_meeting(given.get("meeting")),
    )


def _text(given: dict[str, Any], name: str) -> str:
    value = given.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CommandRefused(f"{name}: a text is needed")
    return value


def _texts(value: Any, where: str) -> Texts:
    # The languages themselves are checked with the rest (conversations/consultation.py).
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise CommandRefused(f'{where}: texts by language are needed, as {{"fr": "…"}}')
    return dict(value)


def _when(given: dict[str, Any], name: str, now: datetime) -> datetime:
    try:
        return local_time(_text(given, name), now)
    except argparse.ArgumentTypeError as error:
        raise CommandRefused(f"{name}: {error}") from None


def _flag(given: dict[str, Any], name: str, default: bool) -> bool:
    value = given.get(name, default)
    if not isinstance(value, bool):
        raise CommandRefused(f"{name}: true or false")
    return value


def _groups(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(g, int) for g in value):
        raise CommandRefused("groups: a list of group numbers (`hayna groups list`)")
    return tuple(value)


def _meeting(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise CommandRefused(
            "meeting: the number of the meeting it follows (`hayna meetings list`)"
        )
    return value


def _question(value: Any, where: str) -> Question:
    if not isinstance(value, dict):
        raise CommandRefused(f"{where}: a question is an object {{...}}")
    kind = value.get("kind")
    if kind not in {k.value for k in QuestionKind}:
        raise CommandRefused(f"{where}.kind: {kind!r} is not one of {KINDS}")
    options = value.get("options", [])
    if not isinstance(options, list):
        raise CommandRefused(f"{where}.options: a list of texts by language")
    most = value.get("most", 0)
    if not isinstance(most, int) or isinstance(most, bool):
        raise CommandRefused(f"{where}.most: a whole number")
    return Question(
        QuestionKind(kind),
        _texts(value.get("prompt"), f"{where}.prompt"),
        tuple(_texts(o, f"{where}.options[{i}]") for i, o in enumerate(options)),
        _flag(value, "optional", False),
        most,
    )
