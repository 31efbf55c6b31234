"""How a `FlowState` fits the conversation row: the questions kept for "back" and the flow left
halfway ride in the ``prompt`` column, beside the last question shown.

The column holds a JSON list (the question shown, as rows written before "back" existed have)
or an object whose values are the state's own JSON texts, kept as strings so that a message
parses one level, not every question kept: ``{"asked": "...", "question": "...", "trail":
[[flow, step, data, question], ...], "paused": [[flow, step, data, question], ...]}`` (the
paused flow's own trail first, where it stopped last). Housekeeping empties the column with the
rest of the state (storage/retention.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from conversations.seams import Bookmark, FlowState, Paused


def prompt_column(state: FlowState) -> str:
    """What the ``prompt`` column holds for ``state``."""
    if not (state.question or state.trail or state.paused):
        return state.prompt
    kept: dict[str, Any] = {"asked": state.prompt, "question": state.question}
    if state.trail:
        kept["trail"] = [_mark_json(mark) for mark in state.trail]
    if state.paused is not None:
        paused = (*state.paused.trail, state.paused.at)
        kept["paused"] = [_mark_json(mark) for mark in paused]
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def flow_state(
    flow: str | None,
    step: str | None,
    data: str,
    offered: str,
    prompt: str,
    version: int,
    saved_at: datetime | None,
) -> FlowState:
    """The state a conversation row holds."""
    if not prompt.startswith("{"):
        return FlowState(flow, step, data, offered, prompt or "[]", version, saved_at=saved_at)
    kept = json.loads(prompt)
    paused = _marks(kept.get("paused", []))
    return FlowState(
        flow,
        step,
        data,
        offered,
        kept["asked"],
        version,
        question=kept.get("question", ""),
        trail=_marks(kept.get("trail", [])),
        paused=Paused(paused[-1], paused[:-1]) if paused else None,
        saved_at=saved_at,
    )


def kept_answers(prompt: str) -> list[tuple[str, Bookmark]]:
    """Every earlier state the column keeps, named "earlier" (for back) or "paused", for the
    resident's own copy of their data."""
    state = flow_state(None, None, "{}", "[]", prompt, 0, None)
    named = [("earlier", mark) for mark in state.trail]
    if state.paused is not None:
        named += [("paused", state.paused.at)]
        named += [("earlier", mark) for mark in state.paused.trail]
    return named


def _mark_json(mark: Bookmark) -> list[str]:
    return [mark.flow, mark.step, mark.data, mark.question]


def _marks(items: list[list[str]]) -> tuple[Bookmark, ...]:
    return tuple(Bookmark(*item) for item in items)
