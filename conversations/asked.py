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

from conversations.folding import fold, to_ascii_digits
from conversations.kit import Choice, Inbound, Outgoing, Reply
from conversations.words import answer

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
    """Turn a tap, a typed number (any digit script), a typed label or a word that answers an
    option (`words.answer`) into an offered option."""
    ids = [choice.id for choice in offered]
    if msg.option is not None:
        # A button from an older question no longer means anything.
        return msg if msg.option in ids else replace(msg, option=None)
    if not offered or not msg.text:
        return msg
    typed = to_ascii_digits(msg.text).strip().rstrip(".)-").strip()
    # isascii: "²" and "①" are digits to isdigit() but not to int().
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(offered):
        return replace(msg, option=offered[int(typed) - 1].id)
    folded = fold(msg.text)
    if not folded:
        return msg
    labels = [fold(choice.label) for choice in offered]
    if folded in labels:
        return replace(msg, option=offered[labels.index(folded)].id)
    if len(folded) >= MIN_PREFIX:
        starts = [i for i, label in enumerate(labels) if label.startswith(folded)]
        if len(starts) == 1:
            return replace(msg, option=offered[starts[0]].id)
    meant = answer(msg.text, ids)
    return replace(msg, option=meant) if meant is not None else msg
