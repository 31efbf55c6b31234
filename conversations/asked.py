"""The question a conversation keeps between messages, and what a typed answer picks in it.

Two forms are kept: as it was shown (rendered, with its options, so a typed number or label picks
one and "help" shows it again), and as the flow asked it (the JSON of its `Reply`, unrendered, so
"back", "continue" and reminders ask it again in the resident's language of the day).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from conversations.kit import Choice, Inbound, Outgoing, Reply
from conversations.numbers import option_number
from conversations.words import answer, plain

log = logging.getLogger(__name__)

# A typed label must be at least this long to pick an option by its beginning.
MIN_PREFIX = 3


def outgoing_json(out: Outgoing) -> dict[str, Any]:
    return {
        "text": out.text,
        "options": [{"id": c.id, "label": c.label} for c in out.options],
        "ask_location": out.ask_location,
        "locale": out.locale,
        "location_hint": out.location_hint,
    }


def outgoing_from_json(item: dict[str, Any]) -> Outgoing:
    options = tuple(Choice(**option) for option in item["options"])
    hint = item.get("location_hint", "")  # absent from prompts saved before it existed
    return Outgoing(item["text"], options, item["ask_location"], item["locale"], hint)


def question_json(reply: Reply) -> str:
    """The question as the state keeps it; "" should a value in it have no JSON form."""
    try:
        return json.dumps(reply.to_json(), ensure_ascii=False, separators=(",", ":"))
    except (TypeError, AttributeError, ValueError):
        log.warning("a question could not be kept as JSON; back will skip it")
        return ""


def reply_of(question: str) -> Reply | None:
    """The question a state kept, or None when it kept none (or one this version cannot read)."""
    if not question:
        return None
    try:
        return Reply.from_json(json.loads(question))
    except (ValueError, KeyError, TypeError):
        return None


def resolve_option(msg: Inbound, offered: Sequence[Choice]) -> Inbound:
    """Turn a tap, a typed number (`numbers.option_number`), a typed label or a word that
    answers an option (`words.answer`) into an offered option."""
    ids = [choice.id for choice in offered]
    if msg.option is not None:
        # A button from an older question no longer means anything.
        return msg if msg.option in ids else replace(msg, option=None)
    if not offered or not msg.text:
        return msg
    number = option_number(msg.text)
    if number is not None and 1 <= number <= len(offered):
        return replace(msg, option=offered[number - 1].id)
    meant = _labelled(plain(msg.text), [plain(choice.label) for choice in offered])
    if meant is None:
        return replace(msg, option=answer(msg.text, ids))
    return replace(msg, option=offered[meant].id)


def _labelled(said: str, labels: list[str]) -> int | None:
    """The index of the one label ``said`` is, or begins, with or without the article of its
    first word ("انارة" for "الإنارة العمومية", "lumiere" for "L'éclairage")."""
    if not said:
        return None
    for typed, shown in ((said, labels), (_bare(said), [_bare(label) for label in labels])):
        if typed in shown:
            return shown.index(typed)
        starts = [i for i, label in enumerate(shown) if label.startswith(typed)]
        if len(typed) >= MIN_PREFIX and len(starts) == 1:
            return starts[0]
    return None


def _bare(said: str) -> str:
    """``said`` without the article its first word may carry."""
    # Not "la ": it is also "no".
    for article in ("ال", "el ", "les ", "le ", "l"):
        if said.startswith(article) and len(said) - len(article) >= MIN_PREFIX:
            return said.removeprefix(article)
    return said
